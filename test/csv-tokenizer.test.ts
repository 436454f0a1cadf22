import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { CsvTokenizer, CsvQuoteError } from '../src/io/csv-tokenizer.js';
import { mulberry32 } from '../src/core/prng.js';

type Rec = { cells: string[]; line: number };

/** Tokenize `text` fed in the given chunk sizes (cycled). */
function tokenize(text: string, sizes: number[] = [text.length || 1]): Rec[] | 'error' {
  const out: Rec[] = [];
  const sink = (cells: string[], line: number) => out.push({ cells, line });
  const t = new CsvTokenizer();
  try {
    for (let i = 0, k = 0; i < text.length; k++) {
      const n = Math.max(1, sizes[k % sizes.length]!);
      t.write(text.slice(i, i + n), sink);
      i += n;
    }
    t.end(sink);
  } catch (e) {
    if (e instanceof CsvQuoteError) return 'error';
    throw e;
  }
  return out;
}

/** csv-parse with the options sj used before the tokenizer, records with the line they start on. */
function reference(text: string): Rec[] | 'error' {
  let recs: { record: string[]; info: { lines: number } }[];
  try {
    recs = parse(text, { relax_column_count: true, relax_quotes: true, skip_empty_lines: false, bom: true, info: true }) as typeof recs;
  } catch {
    return 'error';
  }
  let last = 0;
  return recs.map((r) => {
    const line = last + 1;
    last = r.info.lines;
    return { cells: r.record, line };
  });
}

const PIECES = ['a', 'b', '中', ' ', ',', ',', '"', '"', '""', '\n', '\n', 'x"y', '"q,"'];

function randomCsv(rand: () => number): string {
  const n = Math.floor(rand() * 30);
  let s = '';
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(rand() * PIECES.length)];
  return s;
}

describe('CsvTokenizer', () => {
  it('reads quoted fields, doubled quotes, embedded commas and line breaks, and relaxed quotes', () => {
    const text = '\ufeff编号,名称,备注\n1,"衡水""老白干"",有限公司","第一行\n第二行"\n2,ab"c,"x"y\n\n3,,\n';
    expect(tokenize(text)).toEqual([
      { cells: ['编号', '名称', '备注'], line: 1 },
      { cells: ['1', '衡水"老白干",有限公司', '第一行\n第二行'], line: 2 },
      { cells: ['2', 'ab"c', '"x"y'], line: 4 },
      { cells: [''], line: 5 },
      { cells: ['3', '', ''], line: 6 },
    ]);
  });

  it('ends records at CRLF, LF or a lone CR, and counts a CRLF inside quotes as one line', () => {
    expect(tokenize('a,b\r\n"c\r\nd",e\rf\ng')).toEqual([
      { cells: ['a', 'b'], line: 1 },
      { cells: ['c\r\nd', 'e'], line: 2 },
      { cells: ['f'], line: 4 },
      { cells: ['g'], line: 5 },
    ]);
  });

  it('names the line of a quote left open at the end', () => {
    const t = new CsvTokenizer();
    t.write('a,b\n1,"open\n2,3\n', () => {});
    expect(() => t.end(() => {})).toThrow(CsvQuoteError);
    try {
      t.end(() => {});
    } catch (e) {
      expect((e as CsvQuoteError).line).toBe(2);
    }
  });

  it('gives the same records and lines as csv-parse on 4,000 generated files, in any chunking', () => {
    const rand = mulberry32(20231);
    let compared = 0;
    let errors = 0;
    for (let k = 0; k < 4000; k++) {
      const text = randomCsv(rand);
      const ref = reference(text);
      const mine = tokenize(text);
      expect(mine, JSON.stringify(text)).toEqual(ref);
      if (ref === 'error') errors++;
      else compared += ref.length;
      // chunk boundaries anywhere: between the quotes of "", between CR and LF …
      const sizes = [1 + Math.floor(rand() * 3), 1 + Math.floor(rand() * 5), 1];
      expect(tokenize(text, sizes), JSON.stringify(text)).toEqual(mine);
      // the same file with CRLF line breaks: the same records (CRLF inside quoted fields kept) and lines
      const crlf = text.replace(/\n/g, '\r\n');
      const expected = mine === 'error' ? 'error' : mine.map((r) => ({ cells: r.cells.map((c) => c.replace(/\n/g, '\r\n')), line: r.line }));
      expect(tokenize(crlf, sizes), JSON.stringify(crlf)).toEqual(expected);
      const refCrlf = reference(crlf);
      if (refCrlf !== 'error' && expected !== 'error') expect(expected.map((r) => r.cells)).toEqual(refCrlf.map((r) => r.cells));
    }
    // the generator really exercises both outcomes
    expect(compared).toBeGreaterThan(5_000);
    expect(errors).toBeGreaterThan(100);
  });
});
