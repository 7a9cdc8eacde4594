#!/usr/bin/env node
/** The hcsynth CLI entry: user errors as one line (exit 1 unless they say otherwise), bugs with a stack. */
import { CommanderError } from "commander";
import { buildProgram } from "./program.js";
import { isUserFacing, UserError } from "./errors.js";

// A closed pipe (`hcsynth defects list | head`) is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

// The AWS SDK warns at every start that its releases after January 2027 will need Node 22; hcsynth
// pins its SDK range and supports Node 20, so that one warning is dropped (any other is printed).
process.removeAllListeners("warning");
process.on("warning", (warning) => {
  if (warning.name !== "NodeVersionSupportWarning" && !warning.message.startsWith("NodeVersionSupportWarning")) process.stderr.write(`(node) ${warning.name}: ${warning.message}\n`);
});

async function main(argv: string[]): Promise<number> {
  try {
    await (await buildProgram(argv[2])).parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0; // a command may set its own (stack status: 3)
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 1; // commander has printed its message
    if (isUserFacing(error)) {
      process.stderr.write(`hcsynth: ${error.message}\n`);
      return error instanceof UserError ? error.exitCode : 1;
    }
    process.stderr.write(`hcsynth: internal error (please report it)\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 2;
  }
}

process.exitCode = await main(process.argv);
