/** Text made safe for XML and HTML attributes and content. */

// Characters XML 1.0 does not allow, even escaped: C0 controls other than tab, LF and CR; U+FFFE/U+FFFF; lone surrogates.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `<`, `>`, `&`, `"` and `'` as entities; characters XML cannot carry become U+FFFD. */
export function escapeXml(text: string): string {
  return text.replace(NOT_XML, "\uFFFD").replace(/[<>&"']/g, (c) => {
    switch (c) {
      case "<":
        return "&lt;";
      case ">":
        return "&gt;";
      case "&":
        return "&amp;";
      case '"':
        return "&quot;";
      default:
        return "&#39;";
    }
  });
}

/** JSON for a `<script type="application/json">` element: `<` (so `</script>` and `<!--`), U+2028 and U+2029 as \u escapes. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}
