/**
 * The `hcsynth` command tree. Each command is a thin shell over an API in src/. A command's module is
 * loaded only when that command runs (or when the whole tree is needed: help, an unknown command), so
 * `hcsynth push` does not pay for the generators' code lists nor `hcsynth generate` for the AWS SDK.
 */
import { Command } from "commander";
import { VERSION } from "../version.js";

type Register = (program: Command) => void;

/** Every command, by name, in the order `hcsynth --help` lists them. */
const COMMANDS: Readonly<Record<string, () => Promise<Register>>> = {
  generate: async () => (await import("./commands/generate.js")).registerGenerate,
  defects: async () => (await import("./commands/defects.js")).registerDefects,
  corrupt: async () => (await import("./commands/corrupt.js")).registerCorrupt,
  stack: async () => (await import("./commands/stack.js")).registerStack,
  run: async () => (await import("./commands/run.js")).registerRun,
  scenarios: async () => (await import("./commands/run.js")).registerRun,
  demo: async () => (await import("./commands/demo.js")).registerDemo,
  observe: async () => (await import("./commands/observe.js")).registerObserve,
  report: async () => (await import("./commands/report.js")).registerReport,
  push: async () => (await import("./commands/push.js")).registerPush,
  seed: async () => (await import("./commands/seed.js")).registerSeed,
};

/** The program with every command, or only `only`'s when it names one. */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command("hcsynth")
    .description("seeded, PHI-free synthetic healthcare data and load runs for S3 → Lambda → Glue → DocumentDB pipelines")
    .version(VERSION)
    .showHelpAfterError(false)
    .exitOverride();
  const loaders = only !== undefined && Object.hasOwn(COMMANDS, only) ? [COMMANDS[only]!] : Object.values(COMMANDS);
  const registered = new Set<Register>();
  for (const register of await Promise.all(loaders.map((load) => load()))) {
    if (registered.has(register)) continue; // run and scenarios share a module
    registered.add(register);
    register(program);
  }
  return program;
}
