/**
 * `sj verify page`: the self-contained verification page, assembled from its sources in this
 * folder (page.html, page.css, draw.js, page.js: plain files, shipped as they are and read at
 * run time from the package root) and the page's texts from the message catalogue (page.*).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalogue } from '../messages/index.js';
import { PACKAGE_ROOT } from '../io/paths.js';

export const VERIFY_PAGE_DIR = join(PACKAGE_ROOT, 'src', 'verify-page');

const read = (name: string): string => readFileSync(join(VERIFY_PAGE_DIR, name), 'utf8');

/** Text placed inside a <script> element must not close it early. */
const scriptSafe = (s: string): string => s.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');

/** The page's texts: the catalogue's page.* entries, as JSON for the page's tr(). */
function pageMessages(): string {
  const m = Object.fromEntries(Object.entries(catalogue).filter(([k]) => k.startsWith('page.')));
  // < as \u003c: no JSON string can end the <script> element it sits in
  return JSON.stringify(m).replace(/</g, '\\u003c');
}

/** The whole page, one HTML file with its CSS and scripts inline. */
export function verifyPageHtml(): string {
  const parts: Record<string, string> = {
    '/*STYLE*/': read('page.css'),
    '/*MESSAGES*/': pageMessages(),
    '/*DRAW*/': scriptSafe(read('draw.js')),
    '/*PAGE*/': scriptSafe(read('page.js')),
  };
  // a function replacement, so "$" in the sources is never a replacement pattern
  return read('page.html').replace(/\/\*(STYLE|MESSAGES|DRAW|PAGE)\*\//g, (m) => parts[m]!);
}
