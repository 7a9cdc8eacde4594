/**
 * V8 builds a string made by `+` longer than 12 characters as a rope (a tree of pieces) and copies it
 * into one flat string only when something reads it whole, writing out included; a rope that is
 * kept and reused (a cached ID or segment) is walked again on every use. `flat` makes V8 flatten a
 * string now, once: charCodeAt flattens a rope in place, and the comparison only keeps the call from
 * being optimised away. The string is returned unchanged.
 */
export function flat(s: string): string {
  return s.charCodeAt(0) === -1 ? "" : s;
}

/** Whole numbers below WHOLE_TEXTS as text, built on first use: amounts format without number conversion. */
export const WHOLE_TEXTS = 10_000;
let wholes: string[] | undefined;

export function wholeTexts(): readonly string[] {
  return (wholes ??= Array.from({ length: WHOLE_TEXTS }, (_, w) => String(w)));
}
