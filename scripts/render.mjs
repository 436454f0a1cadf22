#!/usr/bin/env node
/**
 * npm run render [-- FILE.xlsx …] [--out-dir DIR (default: $TMPDIR/sj-render)] [--pages N (default 3)]
 *
 * Turns xlsx files into PDF (LibreOffice, as an office suite prints them) and PNG pages
 * (pdftoppm), and says how many pages each prints on: the way to look at what sj writes the
 * way a person sees it. Without files: runs `sj demo` in a fresh directory and renders the
 * files a quarter produces — the task list (as is, and --by team), the results template, the
 * public list, the statistics table (Chinese and English).
 * Skips with a message (exit 0) when LibreOffice is not installed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SJ = join(ROOT, 'bin', 'sj.js');

function parseArgs(argv) {
  const o = { files: [], outDir: join(tmpdir(), 'sj-render'), pages: 3 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out-dir') o.outDir = resolve(argv[++i]);
    else if (a === '--pages') o.pages = Number(argv[++i]);
    else if (a === '-h' || a === '--help') {
      console.log('usage: npm run render [-- FILE.xlsx …] [--out-dir DIR] [--pages N]  (N PNG pages per file, 0 = all)');
      process.exit(0);
    } else o.files.push(resolve(a));
  }
  return o;
}

const which = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim();

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return r.stdout;
}

/** The demo's files, plus the other xlsx a quarter produces, in a fresh directory. */
function demoFiles() {
  const dir = mkdtempSync(join(tmpdir(), 'sj-render-'));
  const db = join(dir, 'sj-demo.db');
  const out = join(dir, 'sj-demo');
  const env = { ...process.env, SJ_LANG: 'zh' };
  const sj = (...args) => run(process.execPath, [SJ, '--db', db, ...args], { cwd: dir, env });
  console.error(`sj demo in ${dir}`);
  sj('demo', '--out-dir', out, '--json');
  sj('draw', 'tasks', '--quarter', '2023Q2', '--by', 'team', '--out', join(out, 'tasks-by-team-2023Q2.xlsx'));
  sj('results', 'template', '--quarter', '2023Q2', '--out', join(out, 'results-template-2023Q2.xlsx'));
  sj('publish', '--quarter', '2023Q2', '--out', join(out, 'public-2023Q2.xlsx'));
  sj('--lang', 'en', 'report', '--quarter', '2023Q2', '--out', join(out, 'stats-2023Q2-en.xlsx'));
  return readdirSync(out).filter((f) => f.endsWith('.xlsx')).sort().map((f) => join(out, f));
}

function pageCount(pdf) {
  const info = which('pdfinfo') ? run('pdfinfo', [pdf]) : '';
  const m = /^Pages:\s+(\d+)/m.exec(info);
  return m ? Number(m[1]) : NaN;
}

function render(file, o, profile) {
  const name = basename(file, '.xlsx');
  run('soffice', [`-env:UserInstallation=file://${profile}`, '--headless', '--convert-to', 'pdf', '--outdir', o.outDir, file]);
  const pdf = join(o.outDir, `${name}.pdf`);
  const pages = pageCount(pdf);
  const last = o.pages > 0 ? ['-l', String(o.pages)] : [];
  if (which('pdftoppm')) run('pdftoppm', ['-png', '-r', '70', ...last, pdf, join(o.outDir, name)]);
  return { file, pdf, pages };
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!which('soffice')) {
    console.log('render: LibreOffice (soffice) is not installed; nothing rendered. Install it (e.g. apt-get install libreoffice-calc fonts-noto-cjk poppler-utils) and run again.');
    return;
  }
  if (!which('pdftoppm')) console.log('render: pdftoppm (poppler-utils) is not installed: PDF only, no PNG pages.');
  const files = o.files.length ? o.files : demoFiles();
  for (const f of files) if (!existsSync(f)) throw new Error(`no such file: ${f}`);
  mkdirSync(o.outDir, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'sj-render-lo-'));
  try {
    for (const f of files) {
      const r = render(f, o, profile);
      console.log(`${basename(r.file)}: ${r.pages} page(s) → ${r.pdf}`);
    }
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
  console.log(`PNG pages (the first ${o.pages || 'all'} of each) in ${o.outDir}`);
}

main();
