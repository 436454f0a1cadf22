import { afterEach, describe, expect, it } from 'vitest';
import { PLAIN, colorLevel, loadColors, makeOutput } from '../src/ui/output.js';

describe('colour: chalk when it can be on, plain text otherwise', () => {
  const saved = { FORCE_COLOR: process.env.FORCE_COLOR, NO_COLOR: process.env.NO_COLOR };
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('no colour: each style, and each chain of styles, gives its text as it is (as chalk at level 0)', () => {
    expect(PLAIN('a')).toBe('a');
    expect(PLAIN.red.bold('missed', 3)).toBe('missed 3');
    expect(PLAIN.dim.yellow.green('')).toBe('');
  });

  it('a run without a TTY and without FORCE_COLOR is plain', async () => {
    delete process.env.FORCE_COLOR;
    delete process.env.NO_COLOR;
    expect(colorLevel({ env: process.env, stream: { isTTY: false } as NodeJS.WriteStream })).toBe(0);
    await loadColors();
    expect(makeOutput().color).toBe(PLAIN);
  });

  it('FORCE_COLOR: chalk is loaded and styles the text; --no-color still wins', async () => {
    delete process.env.NO_COLOR;
    process.env.FORCE_COLOR = '1';
    await loadColors();
    expect(makeOutput().color.red.bold('x')).toBe('\u001b[31m\u001b[1mx\u001b[22m\u001b[39m');
    expect(makeOutput({ noColor: true }).color).toBe(PLAIN);
  });
});
