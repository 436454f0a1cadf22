// npm run bench: every benchmark, each printing its table.
//   node bench/run.mjs            full sizes (1M-object draw and import: several minutes)
//   node bench/run.mjs --quick    100k sizes
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const quick = process.argv.includes('--quick');
const benches = [
  ['bench/import.mjs', quick ? ['--quick'] : []],
  ['bench/draw.mjs', quick ? ['--objects', '100000'] : []],
  ['bench/report.mjs', []],
];
let failed = 0;
for (const [file, args] of benches) {
  if (!existsSync(file)) {
    console.log(`(${file} missing)`);
    continue;
  }
  console.log(`\n## ${file} ${args.join(' ')}\n`);
  const r = spawnSync(process.execPath, ['--max-old-space-size=8192', file, ...args], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
