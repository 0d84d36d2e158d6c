/**
 * The part of a SQL storage that differs in how it writes: the study attributes, trial
 * numbers, claims, patches and the change cursor of incremental reads. SqlStorage does the
 * rest (studies, heartbeats) the same way on every database and delegates these to one
 * strategy: LockedWrites (a transaction per write, in turn on the study's row; SQLite) or
 * a back end's own (PostgreSQL writes each in one statement, see postgres/postgres-writes.ts).
 */
import type { Storage } from "../storage.js";

/** The Storage methods a write strategy implements; same contract as Storage's. */
export type TrialWrites = Pick<
  Storage,
  | "setStudyAttrs"
  | "createTrials"
  | "claimWaitingTrials"
  | "updateTrials"
  | "failStaleTrials"
  | "readTrials"
>;
