/**
 * Writers' fast paths (RecordWriter.writeIndex: a record's text built without the whole record) write
 * the same text as write(entityOf(…)) of the whole record, under several seeds and X12 options.
 */
import { describe, expect, it } from "vitest";
import { createWorld, entityOf, formatByName, planFiles, renderFile, type FileSpec, type World, type X12Options } from "../generators/index.js";

/** The file rendered through write(entityOf(…)) only: the path of files with defects. */
function viaWholeRecords(world: World, spec: FileSpec): string {
  const writer = formatByName(spec.format).open({ world, kind: spec.kind, fileIndex: spec.fileIndex, firstIndex: spec.firstIndex, lastIndex: spec.lastIndex, ...(spec.x12 ? { x12: spec.x12 } : {}) });
  let text = writer.begin();
  for (let i = spec.firstIndex; i <= spec.lastIndex; i++) {
    if (writer.acceptsIndex && !writer.acceptsIndex(i)) continue;
    const record = entityOf(world, spec.kind, i);
    if (writer.accepts(record)) text += writer.write(record);
  }
  return text + writer.end();
}

const CASES: { seed: number; x12?: X12Options }[] = [{ seed: 7 }, { seed: 42, x12: { eligibilityMode: "change", claimsPerSt: 3, newline: true } }, { seed: 1211, x12: { elementSeparator: "|", segmentTerminator: "!" } }];

describe.each(CASES)("seed $seed", ({ seed, x12 }) => {
  const world = createWorld({ seed, population: { members: 900, providers: 60, claims: 10, encounters: 10 } });
  it("834: writeIndex writes what write(member) writes", () => {
    const specs = planFiles(world, { kinds: ["eligibility"], formats: ["x12"], recordsPerFile: 400, ...(x12 ? { x12 } : {}) });
    expect(specs.length).toBe(3);
    for (const spec of specs) {
      expect(formatByName(spec.format).open({ world, kind: spec.kind, fileIndex: 0, firstIndex: 0, lastIndex: 0 }).writeIndex).toBeTypeOf("function");
      expect([...renderFile(world, spec, { chunkChars: 1000 })].join("")).toBe(viaWholeRecords(world, spec));
    }
  });
});
