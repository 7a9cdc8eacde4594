/** seed's defaults, apart from the loader so that the CLI can print them without loading the driver. */
export const SEED_DEFAULTS = { batchSize: 2000, today: "2025-12-31" } as const;
