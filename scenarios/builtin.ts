/**
 * The scenarios hcsynth ships, as data. Each passes validateScenario (tested), and each is a
 * starting point: copy it to a JSON file, change it, and run that file.
 */
import type { FileMixEntry, Scenario } from "./model.js";

/** One file of every kind, in every format that carries it. */
const EVERY_KIND: FileMixEntry[] = [
  { kind: "claims", format: "csv", weight: 2 },
  { kind: "claims", format: "ndjson", weight: 2 },
  { kind: "claims", format: "x12-837p", weight: 2 },
  { kind: "claims", format: "x12-837i", weight: 1 },
  { kind: "encounters", format: "ndjson", weight: 1 },
  { kind: "encounters", format: "x12-837p", weight: 1 },
  { kind: "encounters", format: "x12-837i", weight: 1 },
  { kind: "eligibility", format: "x12-834", weight: 1 },
  { kind: "eligibility", format: "csv", weight: 1 },
  { kind: "providers", format: "ndjson", weight: 1 },
];

export const BUILTIN_SCENARIOS: readonly Scenario[] = [
  {
    name: "smoke",
    description: "A short check that every kind and format uploads: 2 small files a second for 10 s.",
    data: { seed: 1, files: EVERY_KIND, recordsPerFile: { dist: "uniform", min: 20, max: 200 }, population: { members: 2_000, providers: 200 } },
    load: { executor: "constant-arrival-rate", rate: 2, timeUnit: "1s", duration: "10s" },
    maxInFlight: 8,
    thresholds: {
      upload_failed: ["rate<0.01"],
      upload_duration: ["p(95)<2000"],
    },
  },
  {
    name: "nightly-batch",
    description: "A Medicaid nightly batch: 24 large X12 and CSV files (encounters, eligibility, claims) sent as fast as 4 parallel uploads allow.",
    data: {
      seed: 20,
      files: [
        { kind: "encounters", format: "x12-837p", weight: 3 },
        { kind: "encounters", format: "x12-837i", weight: 2 },
        { kind: "eligibility", format: "x12-834", weight: 1 },
        { kind: "claims", format: "csv", weight: 2 },
      ],
      recordsPerFile: { dist: "lognormal", median: 40_000, sigma: 0.5, min: 10_000, max: 150_000 },
      population: { members: 200_000, providers: 20_000 },
    },
    load: { executor: "shared-iterations", iterations: 24, vus: 4, maxDuration: "30m" },
    maxInFlight: 4,
    thresholds: {
      upload_failed: [{ threshold: "rate==0", abortOnFail: true }],
      "upload_duration{upload:multipart}": ["p(95)<60000"],
    },
    upload: { multipartThreshold: 16 * 1024 * 1024, partSize: 8 * 1024 * 1024, queueSize: 4 },
  },
  {
    name: "steady-trickle",
    description: "A soak: 5 small mixed files a second for 30 minutes (shorten with --duration).",
    data: { seed: 3, files: EVERY_KIND, recordsPerFile: { dist: "lognormal", median: 300, sigma: 0.6, min: 20, max: 2_000 } },
    load: { executor: "constant-arrival-rate", rate: 5, timeUnit: "1s", duration: "30m" },
    maxInFlight: 16,
    thresholds: {
      upload_failed: ["rate<0.001"],
      upload_duration: ["p(95)<1000", "p(99)<3000"],
      dropped_iterations: ["count==0"],
    },
  },
  {
    name: "spike",
    description: "Ramping arrivals: 1 file/s, a burst to 30 files/s held 20 s, then back to 1/s.",
    data: { seed: 4, files: EVERY_KIND, recordsPerFile: { dist: "uniform", min: 100, max: 1_000 } },
    load: {
      executor: "ramping-arrival-rate",
      startRate: 1,
      timeUnit: "1s",
      stages: [
        { target: 1, duration: "20s" },
        { target: 30, duration: "10s" },
        { target: 30, duration: "20s" },
        { target: 1, duration: "10s" },
        { target: 1, duration: "20s" },
      ],
    },
    maxInFlight: 32,
    thresholds: {
      upload_failed: ["rate<0.01"],
      upload_duration: ["p(95)<3000"],
    },
    observe: ["glue"],
    // a local stack started for the run gets a Glue concurrency limit, so the burst queues runs
    stack: { maxConcurrentRuns: 2, glueStartupMs: 500 },
  },
  {
    name: "query-under-load",
    description: "Steady ingestion (a claims file every 2 s for a minute) with the query mix running against the database, the reference data loaded first.",
    data: {
      seed: 6,
      reference: true,
      files: [
        { kind: "claims", format: "ndjson", weight: 2 },
        { kind: "claims", format: "csv", weight: 1 },
        { kind: "claims", format: "x12-837p", weight: 1 },
      ],
      recordsPerFile: { dist: "uniform", min: 50, max: 200 },
      population: { members: 3_000, providers: 300 },
    },
    load: { executor: "constant-arrival-rate", rate: 1, timeUnit: "2s", duration: "60s" },
    maxInFlight: 16,
    observe: ["glue", "landed", "queries"],
    queries: { member_by_id: 1, claim_by_id: 1, member_claims_in_range: 0.25, claims_by_provider_month: 0.25, charges_by_month: 0.05 },
    // bounds the local stack (FerretDB on SQLite, 2 cores) meets; tighten them for DocumentDB
    thresholds: {
      upload_failed: ["rate<0.01"],
      landed_ratio: ["rate>0.99"],
      landed_latency: ["p(95)<90000"],
      "query_duration{query:member_by_id}": ["p(95)<10000"],
      query_failed: ["rate<0.05"],
    },
  },
  {
    name: "negative",
    description: "Defective files only: every file carries a file-level defect or record-level defects (see the catalogue), 1 a second for 30 s.",
    data: { seed: 5, files: EVERY_KIND, recordsPerFile: { dist: "uniform", min: 50, max: 500 }, defectiveFiles: 0.5, defectRate: 0.05, defects: "all" },
    load: { executor: "constant-arrival-rate", rate: 1, timeUnit: "1s", duration: "30s" },
    maxInFlight: 8,
    thresholds: {
      upload_failed: ["rate<0.01"],
    },
  },
];
