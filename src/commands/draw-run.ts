/**
 * `sj draw run` (= `sj draw`): the draw itself. The entropy (given, asked for, or generated), the
 * plan shown and confirmed, all levels drawn in one transaction (io/draw-service.ts), the output.
 * Also the terminal's progress bar for a draw (terminalProgress), which io never draws itself.
 */
import { randomBytes } from 'node:crypto';
import { shortSeed } from '../core/seed.js';
import { UsageError } from '../errors.js';
import { t } from '../messages/index.js';
import { drawLevels, rehearseLevels, type DrawProgressBar } from '../io/draw-service.js';
import { ledgerHead } from '../io/ledger.js';
import { progress } from '../ui/progress.js';
import { askConfirm, askText, type PromptPolicy } from '../ui/prompts.js';
import type { App } from './app.js';
import { drawScope, printRun, runJson, writeRunsTaskList, type DrawOpts } from './draw-scope.js';

export const generateEntropy = (): string => randomBytes(32).toString('hex');

/** A draw's progress bar on stderr while it is a terminal. */
export const terminalProgress: DrawProgressBar = (drawId) => progress(drawId, Boolean(process.stderr.isTTY));

/** The entropy of a draw: --seed, else asked for at a terminal (not for a dry run), else generated. */
async function drawEntropy(o: DrawOpts, policy: PromptPolicy): Promise<{ entropy: string; entropySource: 'user' | 'generated' }> {
  let entropy = o.seed;
  if (entropy === undefined && policy.interactive && !o.dryRun) {
    entropy = (await askText(policy, '--seed', t('draw.entropyPrompt'))).trim();
  }
  if (entropy === undefined || entropy === '') return { entropy: generateEntropy(), entropySource: 'generated' };
  return { entropy, entropySource: 'user' };
}

/** `sj draw [run] --quarter Q …` */
export async function drawRun(app: App, o: DrawOpts): Promise<void> {
  if (o.dryRun && o.seed !== undefined) throw new UsageError(t('draw.dryRunSeed'), t('draw.dryRunSeedHint'));
  const { by, db, regions, levels, request } = drawScope(app, o);

  const policy = app.prompts(Boolean(o.yes));
  const { entropy, entropySource } = await drawEntropy(o, policy);
  // a short seed is allowed, but said to be weak before anything is drawn
  const short = entropySource === 'user' ? shortSeed(entropy) : null;
  if (short) app.out.warn(t('draw.seedShort', short));
  const base = { ...request, entropy, entropySource };
  if (!o.dryRun) {
    // show the plan (a dry run of each level), then confirm; never waits without a TTY
    if (policy.interactive) {
      for (const run of rehearseLevels(db, base, levels, terminalProgress)) printRun(app, run, regions);
      if (!(await askConfirm(policy, t('draw.confirm')))) {
        app.out.warn(t('draw.cancelled'));
        app.exitCode = 1;
        return;
      }
    } else if (!policy.yes) {
      throw new UsageError(t('usage.missingFlag', { flag: '--yes' }), t('draw.yesHint'));
    }
  }
  // a dry run is the real draw rolled back: exactly what would be drawn now, written nowhere
  const runs = o.dryRun ? rehearseLevels(db, base, levels, terminalProgress) : drawLevels(db, base, levels, terminalProgress);
  if (!o.json) for (const run of runs) printRun(app, run, regions);
  if (o.dryRun) app.out.warn(t('draw.dryRun'));
  const head = ledgerHead(db);
  if (o.out && !o.dryRun) await writeRunsTaskList(app, db, runs, o.out, by);
  if (o.json) {
    app.out.data(JSON.stringify({ draws: runs.map((r) => runJson(r, regions)), ledgerHead: o.dryRun ? null : head }, null, 2));
  } else if (!o.dryRun) {
    app.out.ok(t('draw.head', { hash: head.hash }));
  }
}
