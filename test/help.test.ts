/**
 * Help: every command of the tree (parents and leaves, and `sj` itself) has examples, which
 * `sj help COMMAND` and `sj COMMAND --help` print; every top-level command is in the user guides.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram, COMMAND_NAMES, loadCommands } from '../src/cli.js';
import { App, commandPath, EXAMPLES } from '../src/commands/app.js';
import { run as sj } from './cli.js';
import { ROOT } from './helpers.js';

const program = buildProgram(new App(), await loadCommands());

function walk(c: Command): Command[] {
  return [c, ...c.commands.flatMap(walk)];
}
const all = walk(program);
const topLevel = program.commands.map((c) => c.name());

describe('the command table', () => {
  it('names each top-level command as its module registers it, in the help\'s order', async () => {
    expect(topLevel).toEqual(COMMAND_NAMES);
    // each name loads a module that registers that command
    for (const name of COMMAND_NAMES) {
      const alone = buildProgram(new App(), await loadCommands(name));
      expect(alone.commands.map((c) => c.name()), name).toContain(name);
    }
  });
});

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

  it('`sj help draw` and `sj draw --help` print the examples', async () => {
    for (const args of [['help', 'draw'], ['draw', '--help']]) {
      const r = (await sj(args));
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('Examples / 示例:');
      for (const line of EXAMPLES.get('draw')!) expect(r.stdout).toContain(`$ ${line}`);
    }
  });

  it('`sj draw list --help` prints the subcommand\'s examples', async () => {
    for (const args of [['draw', 'list', '--help'], ['draw', 'export', '--help']]) {
      const r = (await sj(args));
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

describe('nested help and usage errors', () => {
  it('`sj help draw list` is `sj draw list --help`; an unknown name is a usage error', async () => {
    const r = (await sj(['help', 'draw', 'list']));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('sj draw list [options]');
    for (const line of EXAMPLES.get('draw list')!) expect(r.stdout).toContain(`$ ${line}`);
    const bad = (await sj(['help', 'draw', 'nosuch']));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('未知命令：nosuch');
    expect(bad.stderr).toContain('sj draw --help');
  });

  it('commander\'s own usage errors speak the user\'s language and name the command\'s --help', async () => {
    const cases: [string[], RegExp, RegExp][] = [
      [['import', 'objects', 'x.csv', '--mdoe', 'full'], /错误: 未知选项：--mdoe（是否想用 --mode？）\n提示: 运行 `sj import objects --help` 查看用法/, /error: unknown option: --mdoe \(did you mean --mode\?\)\nhint: run `sj import objects --help` for usage/],
      [['imprt'], /未知命令：imprt（是否想用 import？）/, /unknown command: imprt \(did you mean import\?\)/],
      // the unknown command is named even when options follow it (the root's menu action used to report the option)
      [['drwa', '--quarter', '2023Q2'], /错误: 未知命令：drwa（是否想用 draw？）\n提示: 运行 `sj --help` 查看用法/, /unknown command: drwa \(did you mean draw\?\)/],
      [['--db', 'x.db', 'drwa', '-q', '2023Q2', '--yes'], /未知命令：drwa（是否想用 draw？）/, /unknown command: drwa \(did you mean draw\?\)/],
      // and below a command with a default subcommand (`sj draw` is `sj draw run`)
      [['draw', 'lsit', '--quarter', '2023Q2'], /未知命令：lsit（是否想用 list？）\n提示: 运行 `sj draw --help` 查看用法/, /unknown command: lsit \(did you mean list\?\)\nhint: run `sj draw --help`/],
      [['import', 'objects'], /缺少参数：file/, /missing argument: file/],
      [['import', 'objects', 'x.csv', '--encoding', 'gbk'], /--encoding <enc> 的取值无效：gbk（可选：auto, utf8, gb18030）/, /invalid value for --encoding <enc>: gbk \(allowed: auto, utf8, gb18030\)/],
      [['draw', 'list', '--quarter'], /选项 .*--quarter <Q> 缺少取值/, /option .*--quarter <Q> needs a value/],
      [['roster', 'list', 'objects', 'more', 'args'], /参数过多：应为 1 个，实际 3 个/, /too many arguments: expected 1, got 3/],
    ];
    for (const [args, zh, en] of cases) {
      const r = (await sj(args));
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(zh);
      expect(r.stderr).not.toMatch(/^error: /m);
      const e = (await sj(['--lang', 'en', ...args]));
      expect(e.status).toBe(2);
      expect(e.stderr).toMatch(en);
    }
  });

  it('`sj drwa --quarter 2023Q2` names the command, never the option; known commands and help still run', async () => {
    for (const args of [['drwa', '--quarter', '2023Q2'], ['--lang=en', 'drwa', '--quarter', '2023Q2'], ['plna', '--quarter', '2023Q2']]) {
      const r = (await sj(args));
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/未知命令|unknown command/);
      expect(r.stderr).not.toMatch(/未知选项|unknown option/);
    }
    // an unknown option before any command is still the option's error
    expect((await sj(['--qarter', '2023Q2', 'draw'])).stderr).toContain('未知选项：--qarter');
    expect((await sj(['--db', 'x.db', 'help', 'draw', 'list'])).status).toBe(0);
    expect((await sj(['roster', 'help', 'list'])).stdout).toContain('sj roster list');
    expect((await sj(['draw', '--quarter', '2023Q9'])).stderr).toContain('2023Q9'); // the default subcommand still gets its options
  });

  it('help text shows allowed values and defaults in the user\'s language', async () => {
    expect((await sj(['import', 'objects', '--help'])).stdout).toContain('（可选：full | partial；默认：full）');
    expect((await sj(['--lang', 'en', 'import', 'objects', '--help'])).stdout).toContain('(choices: full | partial; default: full)');
  });
});
