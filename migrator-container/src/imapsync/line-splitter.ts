import { StringDecoder } from 'node:string_decoder';

/**
 * Splits a byte stream into '\n'-terminated lines, keeping multi-byte UTF-8 characters intact across chunks.
 * A line longer than `maxLine` is passed on cut to that length and the rest of it is dropped, so a stream
 * without line breaks cannot grow memory or parsing time without bound.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';
  /** Inside an over-long line whose start was already passed on: drop text until its end. */
  private dropping = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLine = Number.POSITIVE_INFINITY,
  ) {}

  write(chunk: Buffer): void {
    const text = this.rest + this.decoder.write(chunk);
    let start = 0;
    let nl = text.indexOf('\n', start);
    while (nl >= 0) {
      if (this.dropping) this.dropping = false;
      else this.emit(text.slice(start, nl));
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    this.rest = this.dropping ? '' : text.slice(start);
    if (this.rest.length > this.maxLine) {
      this.emit(this.rest);
      this.rest = '';
      this.dropping = true;
    }
  }

  end(): void {
    const text = this.rest + this.decoder.end();
    this.rest = '';
    if (text !== '' && !this.dropping) this.emit(text);
    this.dropping = false;
  }

  private emit(line: string): void {
    this.onLine(line.length > this.maxLine ? line.slice(0, this.maxLine) : line);
  }
}
