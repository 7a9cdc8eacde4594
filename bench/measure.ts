/** Measurement helpers for the benchmarks: figures are reported as rates and as ratios to a baseline run in the same process. */
export interface Rate {
  label: string;
  seconds: number;
  records: number;
  bytes: number;
}

export function time<T>(fn: () => T): { value: T; seconds: number } {
  const t = performance.now();
  const value = fn();
  return { value, seconds: (performance.now() - t) / 1000 };
}

export const mbps = (r: Rate): number => r.bytes / 1e6 / r.seconds;
export const rps = (r: Rate): number => r.records / r.seconds;

export function table(rows: (string | number)[][], header: string[]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === "number" ? (Number.isInteger(c) ? String(c) : c.toFixed(1)) : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? "").length)));
  return cells.map((r, ri) => r.map((c, i) => (ri === 0 || i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join("  ")).join("\n");
}

export interface Verdict {
  what: string;
  target: string;
  measured: string;
  ok: boolean;
}

export function verdicts(list: Verdict[]): string {
  return list.map((v) => `${v.ok ? "MET " : "MISS"}  ${v.what}: ${v.measured} (target ${v.target})`).join("\n");
}
