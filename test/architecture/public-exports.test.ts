/**
 * Privacy by exports: the runtime names of the public API are listed here, so a name that
 * becomes public by accident fails this test. To publish a name on purpose, add it to
 * PUBLIC_NAMES in the same change (and give it TSDoc).
 */
import { describe, expect, it } from "vitest";
import * as browser from "../../src/browser.js";
import * as api from "../../src/index.js";

const PUBLIC_NAMES = [
  "BruteForceSampler",
  "CONSTRAINTS_ATTR",
  "CmaEsSampler",
  "DESampler",
  "DuplicatedStudyError",
  "FileArtifactStore",
  "GASampler",
  "GPSampler",
  "GridSampler",
  "HyperbandPruner",
  "IntersectionSearchSpace",
  "MedianPruner",
  "MemoryArtifactStore",
  "MemoryStorage",
  "NSGAIIISampler",
  "NSGAIISampler",
  "NopPruner",
  "PBTScheduler",
  "PartialFixedSampler",
  "PatientPruner",
  "PercentilePruner",
  "QMCSampler",
  "RandomSampler",
  "SamplerExhaustedError",
  "Study",
  "StudyNotFoundError",
  "SuccessiveHalvingPruner",
  "TPESampler",
  "ThresholdPruner",
  "Trial",
  "TrialFinishedError",
  "TrialPruned",
  "WilcoxonPruner",
  "categoricalDistribution",
  "constraintValues",
  "contains",
  "copyStudy",
  "createStudy",
  "deleteStudy",
  "exportStudy",
  "floatDistribution",
  "fromUnit",
  "importStudy",
  "intDistribution",
  "intermediateVectors",
  "isFeasible",
  "listStudies",
  "loadCheckpoint",
  "loadStudy",
  "parseDistribution",
  "pbtLineage",
  "pbtSchedule",
  "saveCheckpoint",
  "setLogLevel",
  "toUnit",
  "totalViolation",
];

describe("public exports", () => {
  it("src/index.ts exports exactly the listed runtime names", () => {
    expect(Object.keys(api).sort()).toEqual(PUBLIC_NAMES);
  });

  it("src/browser.ts exports the same runtime names as src/index.ts", () => {
    expect(Object.keys(browser).sort()).toEqual(Object.keys(api).sort());
  });

  it("keeps the list itself sorted and free of duplicates", () => {
    expect([...new Set(PUBLIC_NAMES)].sort()).toEqual(PUBLIC_NAMES);
  });

  it("exports the study functions of the design's contract from both entries", () => {
    for (const entry of [api, browser]) {
      for (const name of ["createStudy", "loadStudy", "deleteStudy", "listStudies"] as const) {
        expect(typeof entry[name], name).toBe("function");
      }
    }
    // Each entry binds its own environment (Node storages vs memory only).
    expect(browser.createStudy).not.toBe(api.createStudy);
  });
});
