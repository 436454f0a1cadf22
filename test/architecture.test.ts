/**
 * The layers and the wiring, checked over the source (docs/architecture.md): no import cycle;
 * core pure (no io/ui/commands, no fs, process, console or clock); io never reaching up into
 * commands or ui; ui never into commands; no SQL or transaction in commands.
 * Imports are read with TypeScript's own pre-processor, so multi-line, type-only, re-export and
 * dynamic imports all count.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { ROOT } from './helpers.js';

const SRC = join(ROOT, 'src');

/** Every .ts file below src/, as a path relative to src/ with forward slashes. */
function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [relative(SRC, p).split('\\').join('/')] : [];
  });
}

const FILES = sourceFiles();
const text = (f: string) => readFileSync(join(SRC, f), 'utf8');
/** The code without its comments: a rule about code is not broken by a sentence about it. */
const code = (f: string) => text(f).replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');

interface Imports {
  /** relative imports, resolved to src-relative .ts paths */
  local: string[];
  /** the same, without the type-only ones (erased by tsc: no load order, no runtime cycle) */
  runtime: string[];
  /** packages and node: modules, as written */
  external: string[];
}

/** What a file imports, from its syntax tree: multi-line, re-export and dynamic imports count. */
function importsOf(f: string): Imports {
  const source = ts.createSourceFile(f, text(f), ts.ScriptTarget.Latest, true);
  const found: { spec: string; typeOnly: boolean }[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier)) {
      const c = n.importClause;
      const named = c?.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings.elements : undefined;
      const typeOnly = Boolean(c && (c.isTypeOnly || (!c.name && named && named.length > 0 && named.every((e) => e.isTypeOnly))));
      found.push({ spec: n.moduleSpecifier.text, typeOnly });
    } else if (ts.isExportDeclaration(n) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) {
      found.push({ spec: n.moduleSpecifier.text, typeOnly: n.isTypeOnly });
    } else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword && n.arguments[0] && ts.isStringLiteral(n.arguments[0])) {
      found.push({ spec: n.arguments[0].text, typeOnly: false });
    }
    ts.forEachChild(n, visit);
  };
  visit(source);
  const resolveLocal = (spec: string) => relative(SRC, resolve(join(SRC, dirname(f)), spec).replace(/\.js$/, '.ts')).split('\\').join('/');
  const local = found.filter((i) => i.spec.startsWith('.'));
  return {
    local: local.map((i) => resolveLocal(i.spec)),
    runtime: local.filter((i) => !i.typeOnly).map((i) => resolveLocal(i.spec)),
    external: found.filter((i) => !i.spec.startsWith('.')).map((i) => i.spec),
  };
}

const GRAPH = new Map(FILES.map((f) => [f, importsOf(f)]));
const layer = (f: string) => (f.includes('/') ? f.slice(0, f.indexOf('/')) : f.replace(/\.ts$/, ''));

/** The cycles of a graph (file → what it imports), each as the path that closes it (a → b → … → a). */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): void => {
    state.set(f, 'open');
    stack.push(f);
    for (const g of graph.get(f) ?? []) {
      if (!graph.has(g)) continue;
      if (state.get(g) === 'open') found.push([...stack.slice(stack.indexOf(g)), g]);
      else if (!state.has(g)) visit(g);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  return found;
}

/** `file → import` for each import of a file in `from` that reaches a layer in `banned`. */
function crossings(from: string, banned: string[]): string[] {
  return FILES.filter((f) => layer(f) === from).flatMap((f) =>
    GRAPH.get(f)!.local.filter((g) => banned.includes(layer(g))).map((g) => `${f} → ${g}`));
}

describe('architecture', () => {
  it('reads the imports it checks', () => {
    // a parser that found nothing would pass every rule below
    expect(FILES.length).toBeGreaterThan(50);
    expect(GRAPH.get('cli.ts')!.local).toContain('commands/roster.ts');
    expect(GRAPH.get('commands/roster.ts')!.local).toContain('commands/object-sections.ts');
    expect(GRAPH.get('io/xlsx.ts')!.external).toContain('exceljs'); // a dynamic import
    // a type-only import is in the graph but not in its runtime part
    expect(GRAPH.get('messages/common.ts')!.local).toContain('messages/index.ts');
    expect(GRAPH.get('messages/common.ts')!.runtime).not.toContain('messages/index.ts');
  });

  it('finds a cycle where there is one', () => {
    const g = new Map([['a', ['b']], ['b', ['c']], ['c', ['a', 'd']], ['d', []], ['e', ['a']]]);
    expect(cycles(g)).toEqual([['a', 'b', 'c', 'a']]);
    expect(cycles(new Map([['a', ['b']], ['b', []]]))).toEqual([]);
  });

  it('has no import cycle (type-only imports are erased, so they are left out)', () => {
    const runtime = new Map([...GRAPH].map(([f, i]) => [f, i.runtime]));
    expect(cycles(runtime).map((c) => c.join(' → '))).toEqual([]);
  });

  it('keeps core pure: only core, errors and messages; no fs, process, console or clock', () => {
    expect(crossings('core', ['io', 'ui', 'commands', 'cli', 'verify-page'])).toEqual([]);
    const core = FILES.filter((f) => layer(f) === 'core');
    // the one outside module core may use: hashing
    const external = core.flatMap((f) => GRAPH.get(f)!.external.filter((m) => !(f === 'core/hash.ts' && m === 'node:crypto')).map((m) => `${f} → ${m}`));
    expect(external).toEqual([]);
    const impure = /\bconsole\.|\bprocess\.|\bDate\.now\b|new Date\(\s*\)/;
    expect(core.filter((f) => impure.test(code(f)))).toEqual([]);
  });

  it('keeps io below commands and ui, ui below commands and beside io, messages on their own', () => {
    expect(crossings('io', ['commands', 'ui', 'cli'])).toEqual([]);
    expect(crossings('ui', ['commands', 'cli', 'io'])).toEqual([]);
    expect(crossings('messages', ['core', 'io', 'ui', 'commands', 'cli'])).toEqual([]);
  });

  it('keeps SQL and transactions out of commands (io services do that)', () => {
    const sql = /\.prepare\(|\.exec\(|\bwriteTx\(|\brehearsalTx\(|\btransaction\(|\.pragma\(/;
    const commands = FILES.filter((f) => layer(f) === 'commands');
    expect(commands.filter((f) => sql.test(code(f)))).toEqual([]);
  });
});
