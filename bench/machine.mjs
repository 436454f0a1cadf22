#!/usr/bin/env node
/**
 * How fast this machine is right now, to read the benches' absolute targets by (issue 13's
 * report and check: ≤ 0.6 s each). Prints, per CPU, the time of a fixed piece of work (a loop
 * of integer arithmetic, in its own `node` pinned to that CPU with taskset when there is one)
 * and of a bare `node -e 0`.
 *
 * Seen here (2 vCPUs, 2026-11-30): the two CPUs of one machine differing by 1.5–1.8× for
 * minutes at a time, each in turn, while the machine itself was idle (another machine's load on
 * the same host). A whole process lands on either; a spread like that in this table says that
 * a report's 0.5 s may read 0.7 s a minute later without any change to sj.
 *
 *   node bench/machine.mjs [--repeat 3]
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

const argv = process.argv.slice(2);
const REPEAT = Number(argv.includes('--repeat') ? argv[argv.indexOf('--repeat') + 1] : '3');
const LOOP = 'let x = 0; for (let i = 0; i < 1e8; i++) x = (x + i * 7) % 1000003; if (x < 0) console.log(x);';
const taskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/** wall milliseconds of one `node -e code`, on cpu (when taskset is there) */
function timed(code, cpu) {
  const [cmd, args] = taskset && cpu !== undefined ? ['taskset', ['-c', String(cpu), process.execPath, '-e', code]] : [process.execPath, ['-e', code]];
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1];

const cpus = taskset ? Array.from({ length: availableParallelism() }, (_, i) => i) : [undefined];
const rows = cpus.map((cpu) => {
  const loop = [];
  const start = [];
  for (let k = 0; k < REPEAT; k++) {
    loop.push(timed(LOOP, cpu));
    start.push(timed('0', cpu));
  }
  return { cpu: cpu === undefined ? 'any (no taskset)' : String(cpu), loop: median(loop), start: median(start) };
});
console.log(`| CPU | fixed loop ms | node -e 0 ms |\n| --- | ---: | ---: |`);
for (const r of rows) console.log(`| ${r.cpu} | ${r.loop.toFixed(0)} | ${r.start.toFixed(0)} |`);
if (rows.length > 1) {
  const loops = rows.map((r) => r.loop);
  const spread = Math.max(...loops) / Math.min(...loops);
  console.log(`\nslowest CPU / fastest: ${spread.toFixed(2)}×${spread > 1.2 ? ' — the CPUs differ now: whole-process times depend on which one a run lands on' : ''}`);
}
