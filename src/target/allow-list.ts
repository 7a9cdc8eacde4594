/**
 * The safety net in front of every write that does not go to the local stack: a bucket or database
 * must match an allow-list pattern (from the config file or `--allow-bucket` / `--allow-db`), so a
 * typo cannot put synthetic data into production. Patterns are globs: `*` any run of characters,
 * `?` one character; everything else literal.
 */

export function globToRegExp(pattern: string): RegExp {
  let source = "";
  for (const ch of pattern) {
    if (ch === "*") source += ".*";
    else if (ch === "?") source += ".";
    else source += ch.replace(/[.+^${}()|[\]\\/-]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

export function allowed(name: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => globToRegExp(p).test(name));
}

/** Throws `error(message)` unless `name` matches one of `patterns`. */
export function requireAllowed(what: "bucket" | "database", name: string, patterns: readonly string[], flag: string, error: (message: string) => Error): void {
  if (allowed(name, patterns)) return;
  const list = patterns.length === 0 ? "the allow-list is empty" : `allowed: ${patterns.join(", ")}`;
  throw error(`${what} ${JSON.stringify(name)} is not in the allow-list (${list}); add it with ${flag} '${name}' or "${what === "bucket" ? "allowBuckets" : "allowDatabases"}" in the config file`);
}
