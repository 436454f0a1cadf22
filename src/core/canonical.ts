/**
 * canonical(x) of sj-draw/1 §1: JSON with members sorted by key in Unicode code point order,
 * no whitespace, integers only, non-ASCII written as itself. Equal to Python's
 * json.dumps(x, sort_keys=True, separators=(",", ":"), ensure_ascii=False).
 */
export function canonical(x: unknown): string {
  const out: string[] = [];
  write(x, out);
  return out.join('');
}

function write(x: unknown, out: string[]): void {
  if (x === null || x === undefined) {
    out.push('null');
  } else if (typeof x === 'string') {
    // JSON.stringify escapes exactly ", \, and C0 controls (short forms for \b\f\n\r\t,
    // lowercase \u00xx otherwise), like Python's json with ensure_ascii=False.
    out.push(JSON.stringify(x));
  } else if (typeof x === 'number') {
    if (!Number.isSafeInteger(x)) throw new TypeError(`canonical: not an integer: ${x}`);
    out.push(String(x));
  } else if (typeof x === 'boolean') {
    out.push(x ? 'true' : 'false');
  } else if (Array.isArray(x)) {
    out.push('[');
    for (let i = 0; i < x.length; i++) {
      if (i) out.push(',');
      write(x[i], out);
    }
    out.push(']');
  } else if (typeof x === 'object') {
    const keys = Object.keys(x as object).filter((k) => (x as Record<string, unknown>)[k] !== undefined);
    keys.sort(compareCodePoints);
    out.push('{');
    keys.forEach((k, i) => {
      if (i) out.push(',');
      out.push(JSON.stringify(k), ':');
      write((x as Record<string, unknown>)[k], out);
    });
    out.push('}');
  } else {
    throw new TypeError(`canonical: unsupported value of type ${typeof x}`);
  }
}

/** Compare strings by Unicode code point (JS's default sort compares UTF-16 code units). */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) {
      const sa = ca >= 0xd800 && ca <= 0xdfff;
      const sb = cb >= 0xd800 && cb <= 0xdfff;
      if (sa !== sb) return sa ? 1 : -1; // a surrogate (astral code point) sorts after any BMP char
      return ca - cb;
    }
  }
  return a.length - b.length;
}

/** Bytewise (UTF-8) comparison; for ASCII ids it equals plain code unit order. */
export function compareBytes(a: string, b: string): number {
  return compareCodePoints(a, b);
}
