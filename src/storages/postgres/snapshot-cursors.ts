/**
 * Read cursors made of PostgreSQL snapshots, for a change sequence that is the id of the
 * writing transaction (see postgres-writes.ts).
 *
 * A row version written by transaction X was visible to a read whose snapshot is
 * `xmin:xmax:xip` exactly when X < xmax and X is not in xip (X below xmin had ended; X in
 * xip, or at or above xmax, had not). So the changes a reader has not seen are the rows
 * whose change sequence is not visible in its last snapshot; they all have a sequence of
 * at least that snapshot's xmin.
 *
 * The cursor handed to the reader names the read's snapshot, kept here: a negative number,
 * never handed out twice in this process, so that the next read from it can leave out
 * exactly what that snapshot saw, even while a long transaction elsewhere holds xmin back.
 * A cursor this storage does not know (one of another storage object, or one forgotten
 * after many later reads) reads everything again: more than needed, never less. A cursor
 * of zero or more reads the changes at or above it (`change_seq >= cursor`), which for a
 * snapshot's xmin is again never less than needed.
 */

/** A snapshot as `pg_current_snapshot()::text` writes it: `xmin:xmax:xip,xip,…`. */
export interface Snapshot {
  readonly xmin: number;
  readonly xmax: number;
  readonly xip: readonly number[];
}

/** Reads `xmin:xmax:xip,…` (PostgreSQL's pg_snapshot text form). */
export function parseSnapshot(text: string): Snapshot {
  const [xmin, xmax, xip = ""] = text.split(":");
  const snapshot = {
    xmin: Number(xmin),
    xmax: Number(xmax),
    xip: xip === "" ? [] : xip.split(",").map(Number),
  };
  if (
    !Number.isSafeInteger(snapshot.xmin) ||
    !Number.isSafeInteger(snapshot.xmax) ||
    !snapshot.xip.every(Number.isSafeInteger)
  ) {
    throw new RangeError(`not a PostgreSQL snapshot: "${text}"`);
  }
  return snapshot;
}

/** What a read from a cursor fetches: `change_seq >= from AND (change_seq >= unseenFrom OR change_seq IN unseen)`. */
export interface ChangeFilter {
  readonly from: number;
  readonly unseenFrom: number;
  readonly unseen: readonly number[];
}

/** How many snapshots are kept, the least recently used forgotten first. */
const KEEP = 256;

/** The last cursor handed out by any storage of this process. */
let lastCursor = 0;

/** @internal Snapshots of a storage's recent reads, by the cursor they returned. */
export class SnapshotCursors {
  readonly #byCursor = new Map<number, Snapshot>();

  /** Records a read's snapshot and returns the cursor for the next read. */
  remember(snapshot: Snapshot): number {
    const cursor = --lastCursor;
    this.#byCursor.set(cursor, snapshot);
    if (this.#byCursor.size > KEEP) {
      this.#byCursor.delete(this.#byCursor.keys().next().value as number);
    }
    return cursor;
  }

  /** The rows a read from `cursor` must fetch. */
  filter(cursor: number): ChangeFilter {
    const snapshot = this.#byCursor.get(cursor);
    if (snapshot === undefined) {
      const from = Math.max(0, cursor);
      return { from, unseenFrom: from, unseen: [] };
    }
    // Most recently used last: a cursor read again (after a failed read) stays known.
    this.#byCursor.delete(cursor);
    this.#byCursor.set(cursor, snapshot);
    return { from: snapshot.xmin, unseenFrom: snapshot.xmax, unseen: snapshot.xip };
  }
}
