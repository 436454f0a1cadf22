#!/usr/bin/env node
// Peak RSS of a Node script when /usr/bin/time is missing: node bench/rss.mjs OUTFILE SCRIPT [ARGS…]
// runs SCRIPT in this process and writes its peak RSS (KiB, from process.resourceUsage) to OUTFILE.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [out, script, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], resolve(script), ...args];
process.on('exit', () => writeFileSync(out, String(process.resourceUsage().maxRSS)));
await import(pathToFileURL(resolve(script)).href);
