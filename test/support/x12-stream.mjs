/**
 * Child process of test/x12-streaming.test.ts (run with node against the built dist/, so that its peak
 * RSS is its own): renders one X12 claims file of `--claims N` claims (`--format x12-837p|x12-837i`)
 * through renderFile, packs the chunks into a 1 MiB buffer as src/generate/file-writer.ts does, and
 * streams them to a sink that counts and hashes the bytes and checks the interchange segment by segment
 * as it passes. Nothing of the file is kept but the first ISA and the last bytes. Prints one JSON line.
 *
 * Assumes the default delimiters (`*` elements, `~` segments, no line feeds).
 */
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import process from "node:process";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { claims: { type: "string" }, format: { type: "string", default: "x12-837p" }, members: { type: "string", default: "200000" } } });
const { createWorld, planFiles, renderFile } = await import("../../dist/generators/index.js");

const claims = Number(values.claims);
const world = createWorld({ seed: 7, population: { members: Number(values.members), providers: 20_000, claims, encounters: 1 } });
const spec = planFiles(world, { kinds: ["claims"], formats: ["x12"], recordsPerFile: claims }).find((s) => s.format === values.format);
if (!spec) throw new Error(`no claims/${values.format} file planned`);

// ---- the sink: byte count, SHA-256, the first 106 bytes and the last 256
const hash = createHash("sha256");
let bytes = 0;
let head = "";
let tail = Buffer.alloc(0);
function sink(buf) {
  hash.update(buf);
  bytes += buf.length;
  if (head.length < 106) head += buf.subarray(0, 106 - head.length).toString("latin1");
  tail = Buffer.concat([tail, buf.subarray(Math.max(0, buf.length - 256))]);
  tail = tail.subarray(Math.max(0, tail.length - 256));
}

// ---- the structural check, segment by segment across chunk boundaries
const check = { segments: 0, isa: 0, gs: 0, ge: 0, iea: 0, st: 0, se: 0, clm: 0, lx: 0, seCountMismatches: 0, seControlMismatches: 0, geCount: -1, ieaCount: -1, ieaControl: "", isaControl: "" };
let inSt = 0; // segments since ST, ST included
let st02 = "";

function onSegment(s, a, b) {
  check.segments++;
  inSt++;
  const c0 = s.charCodeAt(a);
  const c1 = s.charCodeAt(a + 1);
  const c2 = s.charCodeAt(a + 2);
  if (c0 === 76 && c1 === 88 && c2 === 42) check.lx++; // LX*
  else if (c0 === 67 && c1 === 76 && c2 === 77) check.clm++; // CLM
  else if (c0 === 83 && c1 === 84 && c2 === 42) {
    // ST*837*0001*…
    check.st++;
    inSt = 1;
    st02 = s.slice(a, b).split("*")[2] ?? "";
  } else if (c0 === 83 && c1 === 69 && c2 === 42) {
    // SE*count*control
    check.se++;
    const f = s.slice(a, b).split("*");
    if (Number(f[1]) !== inSt) check.seCountMismatches++;
    if (f[2] !== st02) check.seControlMismatches++;
  } else if (c0 === 71 && c1 === 83 && c2 === 42) check.gs++;
  else if (c0 === 71 && c1 === 69 && c2 === 42) {
    check.ge++;
    check.geCount = Number(s.slice(a, b).split("*")[1]);
  } else if (c0 === 73 && c1 === 83 && c2 === 65) {
    check.isa++;
    check.isaControl = s.slice(a, b).split("*")[13] ?? "";
  } else if (c0 === 73 && c1 === 69 && c2 === 65) {
    check.iea++;
    const f = s.slice(a, b).split("*");
    check.ieaCount = Number(f[1]);
    check.ieaControl = f[2] ?? "";
  }
}

let pending = ""; // a segment split across chunks
function scan(s) {
  let start = 0;
  if (pending !== "") {
    const i = s.indexOf("~");
    if (i < 0) {
      pending += s;
      return;
    }
    const whole = pending + s.slice(0, i);
    onSegment(whole, 0, whole.length);
    pending = "";
    start = i + 1;
  }
  for (;;) {
    const i = s.indexOf("~", start);
    if (i < 0) break;
    onSegment(s, start, i);
    start = i + 1;
  }
  if (start < s.length) pending = s.slice(start);
}

// ---- render and stream
const t0 = performance.now();
const it = renderFile(world, spec, { chunkChars: 16_384 });
let buffer = Buffer.allocUnsafe(1 << 20);
let used = 0;
let counts;
for (;;) {
  const step = it.next();
  if (step.done) {
    counts = step.value;
    break;
  }
  const text = step.value;
  if (typeof text !== "string") throw new Error("unexpected bytes in a file without defects");
  scan(text);
  if (used + text.length * 3 > buffer.length) {
    sink(buffer.subarray(0, used));
    buffer = Buffer.allocUnsafe(Math.max(1 << 20, text.length * 3));
    used = 0;
  }
  used += buffer.write(text, used, "utf8");
}
if (used > 0) sink(buffer.subarray(0, used));
const seconds = (performance.now() - t0) / 1000;

process.stdout.write(
  JSON.stringify({
    bytes,
    sha256: hash.digest("hex"),
    records: counts.records,
    lines: counts.lines,
    head,
    tail: tail.toString("latin1"),
    pending,
    ...check,
    seconds,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  }) + "\n",
);
