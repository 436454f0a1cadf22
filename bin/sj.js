#!/usr/bin/env node
// sj: the installed entry point. The TypeScript is compiled to dist/ on `npm install` (prepare).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('sj: not built yet; run `npm install` (or `npm run build`) in the sj folder\n');
  process.exit(1);
}
// `sj … | head` closes the pipe early: that is not an error
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
const { main } = await import(cli.href);
process.exitCode = await main(process.argv);
