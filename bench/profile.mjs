#!/usr/bin/env node
/**
 * Where a command's time goes: summarise a V8 CPU profile by self time per function and per
 * source file, and by total (inclusive) time for the functions of dist/.
 *
 *   node --cpu-prof --cpu-prof-dir=bench/out/prof bin/sj.js --db x.db draw … --yes
 *   node bench/profile.mjs bench/out/prof/CPU.*.cpuprofile [--top 25]
 */
import { readFileSync } from 'node:fs';

const argv = process.argv.slice(2);
const file = argv.find((a) => a.endsWith('.cpuprofile'));
if (!file) {
  console.error('usage: node bench/profile.mjs FILE.cpuprofile [--top N]');
  process.exit(2);
}
const top = Number(argv.includes('--top') ? argv[argv.indexOf('--top') + 1] : 25);
const p = JSON.parse(readFileSync(file, 'utf8'));

// microseconds of samples per node (self time)
const self = new Map();
p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const total = [...self.values()].reduce((a, b) => a + b, 0);

const short = (url) => url.replace(/^.*\/(dist|node_modules)\//, '$1/').replace(/^file:\/\//, '') || '(native)';
const label = (n) => `${n.callFrame.functionName || '(anonymous)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

function add(map, k, v) {
  map.set(k, (map.get(k) ?? 0) + v);
}
const fnSelf = new Map();
const fileSelf = new Map();
const fnTotal = new Map();
for (const n of p.nodes) {
  const us = self.get(n.id) ?? 0;
  if (!us) continue;
  add(fnSelf, label(n), us);
  add(fileSelf, short(n.callFrame.url), us);
  // inclusive: once per distinct function on the stack
  const seen = new Set();
  for (let id = n.id; id !== undefined; id = parent.get(id)) {
    const k = label(byId.get(id));
    if (!seen.has(k)) add(fnTotal, k, us);
    seen.add(k);
  }
}

const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1e6).toFixed(2).padStart(6)} s`;
const print = (title, m, filter = () => true) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...m].filter(([k]) => filter(k)).sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(v)}  ${k}`);
};
console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled`);
print('self time by function', fnSelf);
print('self time by file', fileSelf);
print('total time, functions of dist/', fnTotal, (k) => k.includes('dist/'));
