/** `hcsynth demo` (`npm run demo`): a thin shell over src/run/demo.ts (loaded when the command runs). */
import type { Command } from "commander";

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("start a throwaway local stack, run the smoke scenario against it, show the pipeline's outcome and the reports, stop the stack")
    .option("--out <dir>", "report directory (default: hcsynth-runs/RUN_ID)")
    .option("--duration <d>", "how long the smoke scenario runs", "10s")
    .action(async (flags: { out?: string; duration: string }) => {
      const { runDemo } = await import("../../run/demo.js");
      await runDemo(flags);
    });
}
