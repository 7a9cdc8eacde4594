/** A tiny XML reader for the report tests: elements, attributes and text, strict about nesting and escaping. */

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/** Entities back to characters; throws on a bare `&` or `<`. */
function decode(raw: string): string {
  if (/<|&(?!(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);)/i.test(raw)) throw new Error(`unescaped markup in ${JSON.stringify(raw)}`);
  return raw.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, e: string) =>
    e.startsWith("#x") ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith("#") ? String.fromCodePoint(Number(e.slice(1))) : ENTITIES[e]!,
  );
}

/** The root element of a document (an XML declaration is allowed; comments, CDATA and DTDs are not). */
export function parseXml(xml: string): XmlElement {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, "");
  const tag = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+="[^"]*")*)\s*(\/?)>/g;
  const stack: XmlElement[] = [{ name: "#document", attributes: {}, children: [], text: "" }];
  let at = 0;
  for (let m = tag.exec(body); m !== null; m = tag.exec(body)) {
    stack[stack.length - 1]!.text += decode(body.slice(at, m.index));
    at = tag.lastIndex;
    const [, closing, name, attrs, selfClosing] = m;
    if (closing) {
      const open = stack.pop()!;
      if (open.name !== name) throw new Error(`</${name}> closes <${open.name}>`);
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const a of attrs!.matchAll(/([\w.:-]+)="([^"]*)"/g)) {
      if (a[1]! in attributes) throw new Error(`duplicate attribute ${a[1]}`);
      attributes[a[1]!] = decode(a[2]!);
    }
    const element: XmlElement = { name: name!, attributes, children: [], text: "" };
    stack[stack.length - 1]!.children.push(element);
    if (!selfClosing) stack.push(element);
  }
  if (decode(body.slice(at)).trim() !== "") throw new Error("text after the root element");
  if (stack.length !== 1) throw new Error(`<${stack[stack.length - 1]!.name}> is not closed`);
  const roots = stack[0]!.children;
  if (roots.length !== 1) throw new Error(`${roots.length} root elements`);
  return roots[0]!;
}

/** Every element named `name` under `root` (depth first). */
export function findAll(root: XmlElement, name: string): XmlElement[] {
  return root.children.flatMap((c) => [...(c.name === name ? [c] : []), ...findAll(c, name)]);
}
