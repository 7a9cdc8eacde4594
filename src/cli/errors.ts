/** A problem with what the user asked for: printed as one line, exit code 1, no stack. */
export class UserError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = "UserError";
    this.exitCode = exitCode;
  }
}

/** Validation errors from generators/ (RangeError) and UserErrors are the user's; anything else is a bug. */
export function isUserFacing(error: unknown): error is Error {
  return error instanceof UserError || error instanceof RangeError;
}
