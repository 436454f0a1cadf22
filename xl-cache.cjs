const fs = require('fs'), vm = require('vm'), path = require('path'), Module = require('module');
const file = require.resolve('exceljs/dist/exceljs.bare.min.js');
const cacheFile = '/tmp/prof/exceljs.cache';
const t0 = performance.now();
const src = fs.readFileSync(file, 'utf8');
const cached = fs.existsSync(cacheFile) ? fs.readFileSync(cacheFile) : undefined;
const script = new vm.Script(Module.wrap(src), { filename: file, cachedData: cached });
const fn = script.runInThisContext();
const m = { exports: {} };
fn.call(m.exports, m.exports, require, m, file, path.dirname(file));
const t1 = performance.now();
console.log('load', (t1 - t0).toFixed(1), 'rejected', script.cachedDataRejected, cached ? cached.length : 0);
(async () => {
  const wb = new m.exports.Workbook();
  const ws = wb.addWorksheet('x');
  for (let r = 1; r < 60; r++) for (let c = 1; c < 40; c++) { const cell = ws.getCell(r, c); cell.value = r * c; cell.font = { name: '宋体', size: 10 }; cell.border = { top: { style: 'thin' } }; }
  ws.mergeCells(1, 1, 1, 5);
  const t2 = performance.now();
  const buf = await wb.xlsx.writeBuffer({ zip: { compression: 'DEFLATE', compressionOptions: { level: 1 } } });
  const t3 = performance.now();
  console.log('build', (t2 - t1).toFixed(1), 'write', (t3 - t2).toFixed(1));
  if (process.argv[2] === 'save') fs.writeFileSync(cacheFile, script.createCachedData());
})();
