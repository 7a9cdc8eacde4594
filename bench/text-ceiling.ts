/**
 * A ceiling, for reading the naive ratio: claims CSV rows of about the same shape and size made with
 * as little work as JavaScript allows — hcsynth's PRNG (one stream) making the same number of draws as a claim,
 * no claim or line objects, no members, spans or providers behind the IDs (no referential integrity),
 * dates, amounts and codes from fixed tables, strings joined by `+` as hcsynth's writer does. What it
 * reaches bounds what any claims CSV generator written this way can reach on this machine. Not a
 * generator: its rows are not valid claims.
 */
import { Rng } from "../generators/index.js";

/** Draws a claim of hcsynth's makes before its lines (type, member, span, day, providers, codes…). */
const DRAWS_PER_CLAIM = 25;
const DAYS = 730;

interface Tables {
  dates: string[];
  procedures: string[];
  diagnoses: string[];
  wholes: string[];
  fractions: string[];
}

let built: Tables | undefined;

/** The fixed tables, built once (outside any timing after the first call, as hcsynth's own are). */
function tables(): Tables {
  const first = Date.UTC(2024, 0, 1);
  return (built ??= {
    dates: Array.from({ length: DAYS }, (_, i) => new Date(first + i * 86_400_000).toISOString().slice(0, 10) + ","),
    procedures: Array.from({ length: 5000 }, (_, i) => "A" + String(i).padStart(4, "0")),
    diagnoses: Array.from({ length: 70_000 }, (_, i) => "S" + String(i).padStart(5, "0")),
    wholes: Array.from({ length: 10_000 }, (_, i) => String(i)),
    fractions: Array.from({ length: 100 }, (_, f) => (f < 10 ? ".0" : ".") + f + ","),
  });
}

export function textCeilingClaimsCsv(claims: number, onChunk: (text: string) => void): void {
  const rng = new Rng(7, 11, 13, 17);
  const next = (): number => rng.next();
  const { dates, procedures, diagnoses, wholes, fractions } = tables();
  const ten = (n: number): string => String(n).padStart(10, "0");
  const money = (cents: number): string => {
    const whole = Math.floor(cents / 100);
    return wholes[whole % 10_000]! + fractions[cents - whole * 100]!;
  };
  const charges: number[] = [];
  let buffer = "";
  for (let k = 0; k < claims; k++) {
    for (let i = 0; i < DRAWS_PER_CLAIM; i++) next();
    const day = dates[Math.floor(next() * DAYS)]!;
    const lines = 1 + Math.floor(next() * next() * 5);
    let total = 0;
    charges.length = 0;
    for (let l = 0; l < lines; l++) {
      const cents = 500 + Math.floor(next() * 20_000);
      charges.push(cents);
      total += cents;
    }
    const member = ten(k % 20_000);
    const head =
      "SYNC" + ten(k) + ",professional,1,SYNM" + member + ",SYNM" + member + ",18,99993,MA-HMO,19" + ten(k % 2000).slice(2) + ",19" + ten(k % 1999).slice(2) + ",,11,,,," +
      day + day + diagnoses[Math.floor(next() * 70_000)]! + ",," + diagnoses[Math.floor(next() * 70_000)]! + "," + money(total);
    for (let l = 0; l < lines; l++) buffer += head + (l + 1) + "," + procedures[Math.floor(next() * 5000)]! + ",,1," + money(charges[l]!) + day + "\n";
    if (buffer.length > 16_384) {
      onChunk(buffer);
      buffer = "";
    }
  }
  onChunk(buffer);
}
