/**
 * X12 output options: trading-partner IDs, delimiters, usage indicator and how transaction sets are
 * split. Every field is optional; `resolveX12Options` fills in DEFAULT_X12_OPTIONS and validates,
 * failing with a one-line RangeError naming the option.
 */

export interface X12Options {
  /** ISA06 / GS02 and the 1000A submitter ID (2–15 letters, digits, `.` or `-`). */
  senderId?: string;
  /** ISA08 / GS03 and the 1000B receiver ID (2–15 letters, digits, `.` or `-`). */
  receiverId?: string;
  /** 1000A submitter name and 834 plan sponsor name; defaults to the sender ID. */
  senderName?: string;
  /** 1000B receiver name (and the destination payer of encounters); defaults to the receiver ID. */
  receiverName?: string;
  /** Element separator (ISA's 4th character). */
  elementSeparator?: string;
  /** Component (sub-element) separator, ISA16. */
  componentSeparator?: string;
  /** Repetition separator, ISA11. */
  repetitionSeparator?: string;
  /** Segment terminator. */
  segmentTerminator?: string;
  /** Write a line feed after every segment terminator. */
  newline?: boolean;
  /** ISA15: T test data, P production data. */
  usage?: "T" | "P";
  /** Claims (837) or members (834) per ST/SE transaction set, 1–5000. */
  claimsPerSt?: number;
  /** 834 flavour: "full" audit files (INS03 030) or "change" files (021 add, 024 termination, 001 change). */
  eligibilityMode?: "full" | "change";
}

export type ResolvedX12Options = Required<X12Options>;

export const DEFAULT_X12_OPTIONS: Readonly<ResolvedX12Options> = Object.freeze({
  senderId: "HCSYNTH",
  receiverId: "SYNRECEIVER",
  senderName: "HCSYNTH",
  receiverName: "SYNRECEIVER",
  elementSeparator: "*",
  componentSeparator: ":",
  repetitionSeparator: "^",
  segmentTerminator: "~",
  newline: false,
  usage: "T",
  claimsPerSt: 5000,
  eligibilityMode: "full",
});

/** The most transaction sets' worth of claims one ST/SE may hold. */
export const MAX_CLAIMS_PER_ST = 5000;

/**
 * Characters that occur in element data (names, addresses, amounts, plan IDs), so none may be a
 * delimiter: letters, digits and whitespace are checked separately.
 */
export const DATA_PUNCTUATION = "-./(),'&@_#";

const ID_SHAPE = /^[A-Za-z0-9][A-Za-z0-9.-]{1,14}$/;
const KEYS = new Set(Object.keys(DEFAULT_X12_OPTIONS));

function fail(key: string, message: string): never {
  throw new RangeError(`x12.${key}: ${message}`);
}

function checkSeparator(key: string, v: unknown): string {
  if (typeof v !== "string" || v.length !== 1) fail(key, `expected one character, got ${JSON.stringify(v)}`);
  const code = v.charCodeAt(0);
  if (code < 0x21 || code > 0x7e) fail(key, `expected a printable ASCII character other than space, got ${JSON.stringify(v)}`);
  if (/[A-Za-z0-9]/.test(v) || DATA_PUNCTUATION.includes(v)) fail(key, `${JSON.stringify(v)} occurs in element data; pick another character (e.g. * : ^ ~ | > !)`);
  return v;
}

function checkId(key: string, v: unknown): string {
  if (typeof v !== "string" || !ID_SHAPE.test(v)) fail(key, `expected 2–15 letters, digits, '.' or '-' starting with a letter or digit, got ${JSON.stringify(v)}`);
  return v;
}

function checkName(key: string, v: unknown, separators: string): string {
  if (typeof v !== "string" || v.length < 1 || v.length > 60 || v.trim() !== v) fail(key, `expected 1–60 characters without leading or trailing spaces, got ${JSON.stringify(v)}`);
  for (const ch of v) {
    const code = ch.charCodeAt(0);
    if (code < 0x20 || code > 0x7e || separators.includes(ch)) fail(key, `${JSON.stringify(v)} contains ${JSON.stringify(ch)}, a delimiter or non-printable character`);
  }
  return v;
}

/** Fills in defaults and validates; unknown keys are errors. */
export function resolveX12Options(options: X12Options | undefined): ResolvedX12Options {
  if (options === undefined) return DEFAULT_X12_OPTIONS;
  if (typeof options !== "object" || options === null || Array.isArray(options)) throw new RangeError(`x12: expected an object of options, got ${JSON.stringify(options)}`);
  for (const key of Object.keys(options)) if (!KEYS.has(key)) fail(key, `unknown option (known: ${[...KEYS].join(", ")})`);
  const o = { ...DEFAULT_X12_OPTIONS } as ResolvedX12Options;
  for (const [key, value] of Object.entries(options)) if (value !== undefined) (o as unknown as Record<string, unknown>)[key] = value;
  if (options.senderName === undefined && options.senderId !== undefined) o.senderName = o.senderId;
  if (options.receiverName === undefined && options.receiverId !== undefined) o.receiverName = o.receiverId;

  const seps = [
    checkSeparator("elementSeparator", o.elementSeparator),
    checkSeparator("componentSeparator", o.componentSeparator),
    checkSeparator("repetitionSeparator", o.repetitionSeparator),
    checkSeparator("segmentTerminator", o.segmentTerminator),
  ];
  if (new Set(seps).size !== 4) fail("elementSeparator", `the element, component, repetition separators and the segment terminator must be four different characters, got ${JSON.stringify(seps.join(""))}`);
  checkId("senderId", o.senderId);
  checkId("receiverId", o.receiverId);
  checkName("senderName", o.senderName, seps.join(""));
  checkName("receiverName", o.receiverName, seps.join(""));
  if (typeof o.newline !== "boolean") fail("newline", `expected true or false, got ${JSON.stringify(o.newline)}`);
  if (o.usage !== "T" && o.usage !== "P") fail("usage", `expected "T" (test) or "P" (production), got ${JSON.stringify(o.usage)}`);
  if (typeof o.claimsPerSt !== "number" || !Number.isInteger(o.claimsPerSt) || o.claimsPerSt < 1 || o.claimsPerSt > MAX_CLAIMS_PER_ST) {
    fail("claimsPerSt", `expected a whole number from 1 to ${MAX_CLAIMS_PER_ST}, got ${JSON.stringify(o.claimsPerSt)}`);
  }
  if (o.eligibilityMode !== "full" && o.eligibilityMode !== "change") fail("eligibilityMode", `expected "full" or "change", got ${JSON.stringify(o.eligibilityMode)}`);
  return o;
}
