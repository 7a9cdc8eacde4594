/** Splits streamed text into lines, counting line ends by kind, with a cap on the length of a line. */
import { ETL_REASONS } from "./codes.js";
import { fail } from "./source.js";

/** How a line ended: 0 not at all (the end of the file), 1 LF, 2 CRLF. */
export type LineEnding = 0 | 1 | 2;

export type LineSink = (text: string, line: number, ending: LineEnding) => void;

/** Whether a string is longer than `maxBytes` in UTF-8 (exactly, without encoding short strings). */
export function longerThan(text: string, maxBytes: number): boolean {
  if (text.length > maxBytes) return true;
  if (text.length * 3 <= maxBytes) return false;
  return Buffer.byteLength(text, "utf8") > maxBytes;
}

export class LineSplitter {
  private partial = "";
  /** Lines completed so far. */
  line = 0;
  lf = 0;
  crlf = 0;

  constructor(private readonly maxBytes: number) {}

  push(chunk: string, sink: LineSink): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf("\n", start);
      if (nl < 0) break;
      let text = chunk.slice(start, nl);
      if (this.partial.length > 0) {
        text = this.partial + text;
        this.partial = "";
      }
      start = nl + 1;
      let ending: LineEnding = 1;
      if (text.charCodeAt(text.length - 1) === 13) {
        text = text.slice(0, -1);
        ending = 2;
        this.crlf++;
      } else {
        this.lf++;
      }
      this.line++;
      if (longerThan(text, this.maxBytes)) this.tooLong(this.line);
      sink(text, this.line, ending);
    }
    if (start < chunk.length) {
      this.partial += start === 0 ? chunk : chunk.slice(start);
      if (this.partial.length > this.maxBytes) this.tooLong(this.line + 1);
    }
  }

  /** The last line, when the file does not end with a line feed (ending 0). */
  end(sink: LineSink): void {
    if (this.partial.length === 0) return;
    const text = this.partial;
    this.partial = "";
    this.line++;
    if (longerThan(text, this.maxBytes)) this.tooLong(this.line);
    sink(text, this.line, 0);
  }

  get mixedEndings(): boolean {
    return this.lf > 0 && this.crlf > 0;
  }

  private tooLong(line: number): never {
    return fail(ETL_REASONS.LINE_TOO_LONG, `line ${line} is longer than ${this.maxBytes} bytes`, { line });
  }
}
