// npm run bench: every benchmark, each printing its table (build first: npx tsc -p .).
//   node bench/run.mjs            the default run (under about 10 minutes on 2 cores): imports,
//                                 100k-object draws in process and as whole `sj` processes
//                                 against the Python reference, report/check
//   node bench/run.mjs --quick    smaller: 100k imports only, a 20k-object whole-process draw
//   node bench/run.mjs --huge     province scale: 1M-object draw in process, 1M and 2M whole-process
//   npm run bench -- --only cli   one of them (machine, import, draw, cli, report)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const huge = argv.includes('--huge');
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : null;
const benches = [
  // how fast this machine's CPUs are at the start and at the end: the absolute targets read by it
  ['machine', 'bench/machine.mjs', []],
  ['import', 'bench/import.mjs', quick ? ['--quick'] : []],
  ['draw', 'bench/draw.mjs', ['--objects', huge ? '1000000' : '100000']],
  ['cli', 'bench/cli.mjs', huge ? ['--huge'] : quick ? ['--objects', '20000'] : []],
  ['report', 'bench/report.mjs', []],
  ['machine', 'bench/machine.mjs', []],
];
let failed = 0;
for (const [name, file, args] of benches) {
  if (only && name !== only) continue;
  if (!existsSync(file)) {
    console.log(`(${file} missing)`);
    continue;
  }
  console.log(`\n## ${file} ${args.join(' ')}\n`);
  const r = spawnSync(process.execPath, ['--max-old-space-size=8192', file, ...args], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
