/**
 * Edits as splices on a text: every defect is a set of non-overlapping replacements of the input's
 * characters, so everything outside them stays byte-identical. Positions of the original text
 * (record anchors) are carried through an edit by `map`.
 */

export interface Splice {
  start: number;
  end: number;
  text: string;
  /**
   * Who made the splice. An insertion exactly at an anchor's position moves the anchor past it
   * unless the anchor has the same owner (a record's own edit at its first character).
   */
  owner?: string;
}

export interface Anchor {
  pos: number;
  owner?: string;
}

export interface SpliceResult {
  text: string;
  /** The output position where each splice's text starts, in the order the splices were given. */
  starts: number[];
  /** The output position of an input position. */
  map(anchor: Anchor): number;
}

/** Applies non-overlapping splices (insertions at one position keep the order given). */
export function applySplices(text: string, splices: readonly Splice[]): SpliceResult {
  const order = splices.map((s, i) => i).sort((a, b) => splices[a]!.start - splices[b]!.start || splices[a]!.end - splices[b]!.end || a - b);
  const parts: string[] = [];
  const starts = new Array<number>(splices.length).fill(0);
  let at = 0;
  let outLength = 0;
  for (const i of order) {
    const s = splices[i]!;
    if (s.start < at || s.end < s.start || s.end > text.length) throw new Error(`overlapping or invalid splice [${s.start}, ${s.end}) after ${at}`);
    parts.push(text.slice(at, s.start));
    outLength += s.start - at;
    starts[i] = outLength;
    parts.push(s.text);
    outLength += s.text.length;
    at = s.end;
  }
  parts.push(text.slice(at));
  const sorted = order.map((i) => splices[i]!);
  return {
    text: parts.join(""),
    starts,
    map(anchor: Anchor): number {
      let delta = 0;
      for (const s of sorted) {
        if (s.start > anchor.pos) break;
        const insertionHere = s.start === anchor.pos && s.end === s.start;
        if (s.end <= anchor.pos && (s.start < anchor.pos || (insertionHere && (anchor.owner === undefined || s.owner !== anchor.owner)))) {
          delta += s.text.length - (s.end - s.start);
        } else if (s.start < anchor.pos && s.end > anchor.pos) {
          // inside a replaced span: the start of its replacement
          delta += s.start - anchor.pos;
        }
      }
      return anchor.pos + delta;
    },
  };
}

/** 1-based line of a position. */
export function lineAt(text: string, pos: number): number {
  let n = 1;
  for (let at = text.indexOf("\n"); at >= 0 && at < pos; at = text.indexOf("\n", at + 1)) n++;
  return n;
}

/** 1-based ordinal of the segment that starts at (or contains) a position, given the terminator. */
export function segmentAt(text: string, pos: number, terminator: string): number {
  let n = 1;
  for (let at = text.indexOf(terminator); at >= 0 && at < pos; at = text.indexOf(terminator, at + 1)) n++;
  return n;
}

/** The line terminators of a text: "lf", "crlf", "mixed" or "none". */
export function lineEndings(text: string): "lf" | "crlf" | "mixed" | "none" {
  let lf = 0;
  let crlf = 0;
  for (let at = text.indexOf("\n"); at >= 0; at = text.indexOf("\n", at + 1)) {
    if (at > 0 && text[at - 1] === "\r") crlf++;
    else lf++;
  }
  if (lf === 0 && crlf === 0) return "none";
  if (lf > 0 && crlf > 0) return "mixed";
  return lf > 0 ? "lf" : "crlf";
}
