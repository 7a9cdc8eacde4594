/** The `hcsynth` command tree. Each command is a thin shell over an API in src/. */
import { Command } from "commander";
import { VERSION } from "../version.js";
import { registerGenerate } from "./commands/generate.js";
import { registerDefects } from "./commands/defects.js";
import { registerCorrupt } from "./commands/corrupt.js";
import { registerStack } from "./commands/stack.js";
import { registerRun } from "./commands/run.js";
import { registerDemo } from "./commands/demo.js";
import { registerObserve } from "./commands/observe.js";
import { registerReport } from "./commands/report.js";
import { registerPush } from "./commands/push.js";
import { registerSeed } from "./commands/seed.js";

export function buildProgram(): Command {
  const program = new Command("hcsynth")
    .description("seeded, PHI-free synthetic healthcare data and load runs for S3 → Lambda → Glue → DocumentDB pipelines")
    .version(VERSION)
    .showHelpAfterError(false)
    .exitOverride();
  registerGenerate(program);
  registerDefects(program);
  registerCorrupt(program);
  registerStack(program);
  registerRun(program);
  registerDemo(program);
  registerObserve(program);
  registerReport(program);
  registerPush(program);
  registerSeed(program);
  return program;
}
