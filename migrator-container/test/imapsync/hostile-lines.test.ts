import { describe, expect, it } from 'vitest';
import { ImapsyncParser, MAX_LINE } from '../../src/imapsync/imapsync-parser.ts';
import { LineSplitter } from '../../src/imapsync/line-splitter.ts';

// Lines a hostile folder name (chosen by whoever owns the source mailbox) or a broken server can make imapsync
// print. The report's folder regex took 25 s on the 4.5 kB `folderBrackets` line and grows with the 4th power of
// its length; the parser must stay linear. No timed target here (machines are noisy): one generous bound on a
// batch that took minutes before, and the cap on line length, which keeps every line's cost bounded.
const SHAPES: Record<string, (n: number) => string> = {
  folderBrackets: (n) => `Folder 1/2 [${'] = [] -> ['.repeat(n)}]x`,
  folderSpaces: (n) => `Folder 1/2 [a]${' '.repeat(n)}-> [b]${' '.repeat(n)}x`,
  copied: (n) => `msg ${'a/1 {1} copied to b/1 '.repeat(n)}x`,
  copiedDigits: (n) => `msg a/${'1'.repeat(n)} {${'2'.repeat(n)}}${' '.repeat(n)}copied to x`,
  copying: (n) => `msg ${'a/1 copying to '.repeat(n)}  1 s  1/`,
  eta: (n) => `ETA: ${'  1 s  1/1'.repeat(n)} msgs lef`,
  skipped: (n) => `msg ${'a/1 skipped (1 exceeds maxsize limit 1 bytes)'.repeat(n)}x`,
  sizing: (n) => `Host1 folder 1/2 [${'] Size: 1 Messages: 1 Biggest: 1'.repeat(n)}x`,
  ignoring: (n) => `Host1: warning! ignoring folder ${'because it is not in host1 whole folders list. '.repeat(n)}x`,
  notSimulated: (n) => `Since --dry mode is on and folder [${'] on host2 does not exist yet, '.repeat(n)}x`,
  exiting: (n) => `Exiting with return value 1 (${'A'.repeat(n)}: ${')'.repeat(n)}`,
};

function parseAll(n: number): number {
  const parser = new ImapsyncParser();
  const started = performance.now();
  parser.push('Folders sizes before the synchronization.');
  for (const make of Object.values(SHAPES)) parser.push(make(n));
  parser.push('++++ Looping on each one of 2 folders to sync');
  for (const make of Object.values(SHAPES)) parser.push(make(n));
  parser.push('++++ Statistics');
  for (const make of Object.values(SHAPES)) parser.push(make(n));
  parser.finish({ code: 0, signal: null });
  return performance.now() - started;
}

describe('imapsync parser on hostile lines', () => {
  it('parses lines of every shape up to the cap (and far beyond it) in bounded time', () => {
    // n = 400 makes the 4.5 kB line that took 25 s; 1,600 reaches the 16 kB cap; 100,000 is a 1 MB line.
    const ms = [400, 1600, 100_000].map(parseAll);
    // Before this parser the first batch alone took minutes; now each takes milliseconds. 5 s is the generous bound.
    expect(ms.reduce((a, b) => a + b, 0)).toBeLessThan(5000);
  });

  it('caps a line before parsing: what lies past MAX_LINE is not read', () => {
    const parser = new ImapsyncParser();
    parser.push(`Folder     1/8 [${'x'.repeat(MAX_LINE)}] -> [y]`);
    expect(parser.progress().currentFolder).toBeNull();
    parser.push('Folder     2/8 [Old Stuff]                         -> [Old Stuff]');
    expect(parser.progress()).toMatchObject({ currentFolder: 'Old Stuff', folderIndex: 2 });
  });
});

describe('LineSplitter on a stream without line breaks', () => {
  it('passes on an over-long line cut to the cap and drops the rest of it, whatever the chunking', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((l) => lines.push(l), MAX_LINE);
    const chunk = Buffer.from('é'.repeat(32 * 1024)); // 64 kB of two-byte characters, split mid-character below
    for (let i = 0; i < 16; i++) {
      splitter.write(chunk.subarray(0, 1001));
      splitter.write(chunk.subarray(1001));
    }
    splitter.write(Buffer.from('\nnext line\npartial'));
    splitter.end();
    expect(lines.map((l) => l.length)).toEqual([MAX_LINE, 9, 7]);
    expect(lines[0]).toBe('é'.repeat(MAX_LINE));
  });
});
