/** Credentials never reach logs or reports: URLs lose their user:password, messages their AWS keys. */

/** `mongodb://user:secret@host/db` → `mongodb://***@host/db` (any scheme). */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/?#]*@/i, "$1***@");
}

const AWS_ACCESS_KEY = /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g;
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)[^@\s/?#]*@/gi;

/** A message with any URL credentials and AWS access key IDs masked, and the given secrets removed. */
export function redactMessage(message: string, secrets: readonly string[] = []): string {
  let out = message.replace(URL_CREDENTIALS, "$1***@").replace(AWS_ACCESS_KEY, "AKIA****************");
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join("***");
  return out;
}
