/**
 * A streaming CSV tokenizer for roster files: text in (chunk by chunk, already decoded), records
 * out with the line each one starts on. No fs, no options: what the bureau's CSV files need.
 *
 * The rules are csv-parse's with `relax_quotes` and `relax_column_count` (sj's reference;
 * test/csv-tokenizer.test.ts compares the two on thousands of generated files):
 * - `,` separates fields; a field that starts with `"` is quoted, `""` inside it is one `"`,
 *   and it may hold commas and line breaks;
 * - a `"` inside an unquoted field is an ordinary character; a closing `"` followed by
 *   anything other than `,`, a line break or the end keeps its quotes as text
 *   (`"ab"c` → `"ab"c`), as csv-parse's relax_quotes does;
 * - a quote still open at the end of the file is an error (CsvQuoteError, naming its line);
 * - records may have any number of fields; an empty line is a record of one empty field;
 * - a BOM at the start is dropped.
 * Two deliberate differences from csv-parse, both about line breaks: CRLF, LF and a lone CR all
 * end a record wherever they appear (csv-parse fixes the record delimiter to the first one it
 * meets, so a file mixing them leaves stray CRs in fields), and a CRLF inside a quoted field
 * counts as one line, not two, so row numbers are the lines an editor shows.
 *
 * Why not csv-parse itself: it walks the bytes one by one through a general state machine and
 * was two thirds of an import's time (bench/import.mjs); this does the same in a tenth of it.
 */

const COMMA = 44;
const QUOTE = 34;
const CR = 13;
const LF = 10;

const enum S {
  /** at the start of a field */
  Start,
  /** inside an unquoted field */
  Unquoted,
  /** inside a quoted field */
  Quoted,
  /** just after a `"` inside a quoted field: `""`, the closing quote, or relaxed text */
  QuotedQuote,
}

/** A quoted field still open at the end of the file. */
export class CsvQuoteError extends Error {
  constructor(readonly line: number) {
    super(`quote opened on line ${line} is not closed`);
    this.name = 'CsvQuoteError';
  }
}

export type RecordSink = (cells: string[], line: number) => void;

export class CsvTokenizer {
  private s = S.Start;
  /** the current field's text so far */
  private field = '';
  private cells: string[] = [];
  /** the line being read (1-based) */
  private line = 1;
  /** the line the current record started on */
  private recordLine = 1;
  /** the line the open quote is on */
  private quoteLine = 0;
  /** the last character was a CR (so an LF right after it is the same line break) */
  private afterCR = false;
  private started = false;

  /** Tokenize the next chunk of text; complete records go to `emit`. */
  write(text: string, emit: RecordSink): void {
    if (!this.started && text.length) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const n = text.length;
    let i = 0;
    let s = this.s;
    let field = this.field;
    let cells = this.cells;
    let line = this.line;
    let afterCR = this.afterCR;
    while (i < n) {
      if (s === S.Start) {
        const c = text.charCodeAt(i);
        if (c === LF && afterCR) {
          // the LF of a CRLF whose CR ended the record
          afterCR = false;
          i++;
          continue;
        }
        afterCR = false;
        if (c === QUOTE) {
          s = S.Quoted;
          this.quoteLine = line;
          i++;
          continue;
        }
        if (c === COMMA) {
          cells.push('');
          i++;
          continue;
        }
        if (c === LF || c === CR) {
          cells.push('');
          emit(cells, this.recordLine);
          cells = [];
          line++;
          this.recordLine = line;
          afterCR = c === CR;
          i++;
          continue;
        }
        s = S.Unquoted;
      }
      if (s === S.Unquoted) {
        let j = i;
        let c = 0;
        while (j < n) {
          c = text.charCodeAt(j);
          if (c === COMMA || c === LF || c === CR) break;
          j++;
        }
        field = field ? field + text.slice(i, j) : text.slice(i, j);
        i = j;
        if (j === n) break;
        cells.push(field);
        field = '';
        s = S.Start;
        i++;
        if (c !== COMMA) {
          emit(cells, this.recordLine);
          cells = [];
          line++;
          this.recordLine = line;
          afterCR = c === CR;
        }
        continue;
      }
      if (s === S.Quoted) {
        let q = text.indexOf('"', i);
        if (q < 0) q = n;
        // line breaks inside the field (CRLF = one)
        for (let k = i; k < q; k++) {
          const c = text.charCodeAt(k);
          if (c === CR) {
            line++;
            afterCR = true;
          } else {
            if (c === LF && !afterCR) line++;
            afterCR = false;
          }
        }
        field = field ? field + text.slice(i, q) : text.slice(i, q);
        if (q === n) {
          i = n;
          break;
        }
        afterCR = false;
        i = q + 1;
        s = S.QuotedQuote;
        continue;
      }
      // S.QuotedQuote
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        field += '"';
        s = S.Quoted;
        i++;
        continue;
      }
      // the closing quote: a comma or line break next ends the field (S.Unquoted meets it at
      // once); text next keeps the quotes as text
      if (c !== COMMA && c !== LF && c !== CR) field = '"' + field + '"';
      s = S.Unquoted;
    }
    this.s = s;
    this.field = field;
    this.cells = cells;
    this.line = line;
    this.afterCR = afterCR;
  }

  /** The end of the text: emit the last record (if the file does not end with a line break). */
  end(emit: RecordSink): void {
    const s = this.s;
    if (s === S.Quoted) throw new CsvQuoteError(this.quoteLine);
    if (s === S.Unquoted || s === S.QuotedQuote || this.cells.length > 0) {
      this.cells.push(this.field);
      emit(this.cells, this.recordLine);
    }
    this.s = S.Start;
    this.field = '';
    this.cells = [];
  }
}
