/**
 * Help: every command of the tree (parents and leaves, and `sj` itself) has examples, which
 * `sj help COMMAND` and `sj COMMAND --help` print; every top-level command is in the user guides.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/cli.js';
import { App, commandPath, EXAMPLES } from '../src/commands/app.js';
import { sj } from './db-helpers.js';
import { ROOT } from './helpers.js';

const program = buildProgram(new App());

function walk(c: Command): Command[] {
  return [c, ...c.commands.flatMap(walk)];
}
const all = walk(program);
const topLevel = program.commands.map((c) => c.name());

describe('examples', () => {
  it('walks a real tree', () => {
    expect(topLevel).toEqual(expect.arrayContaining(['import', 'roster', 'plan', 'draw', 'verify', 'ledger', 'results', 'publish', 'report', 'check', 'demo']));
    expect(all.length).toBeGreaterThan(30);
  });

  it('every command, parent or leaf, has examples', () => {
    const missing = all.map(commandPath).filter((p) => !(EXAMPLES.get(p)?.length));
    expect(missing.map((p) => `sj ${p}`.trim())).toEqual([]);
  });

  it('every example starts with sj', () => {
    const bad = [...EXAMPLES.entries()].flatMap(([p, lines]) => lines.filter((l) => !/^sj( |$)/.test(l)).map((l) => `${p}: ${l}`));
    expect(bad).toEqual([]);
  });

  it('`sj help draw` and `sj draw --help` print the examples', () => {
    for (const args of [['help', 'draw'], ['draw', '--help']]) {
      const r = sj(args);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('Examples / 示例:');
      for (const line of EXAMPLES.get('draw')!) expect(r.stdout).toContain(`$ ${line}`);
    }
  });

  it('`sj draw list --help` prints the subcommand\'s examples', () => {
    for (const args of [['draw', 'list', '--help'], ['draw', 'export', '--help']]) {
      const r = sj(args);
      expect(r.status, r.stderr).toBe(0);
      const path = args.filter((a) => a !== 'help' && a !== '--help').join(' ');
      for (const line of EXAMPLES.get(path)!) expect(r.stdout).toContain(`$ ${line}`);
    }
  });
});

describe('the user guides', () => {
  for (const file of ['guide.zh.md', 'guide.en.md']) {
    it(`docs/${file} mentions every top-level command as \`sj NAME\``, () => {
      const text = readFileSync(join(ROOT, 'docs', file), 'utf8');
      const missing = topLevel.filter((n) => n !== 'help' && !new RegExp(`\\bsj ${n}\\b`).test(text));
      expect(missing).toEqual([]);
    });
  }
});
