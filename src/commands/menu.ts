import type { Command } from 'commander';
import type { App } from './app.js';

export function register(_program: Command, _app: App): void {}

/** `sj` with no arguments on a TTY: the guided menu. */
export async function runMenu(program: Command, _app: App): Promise<void> {
  program.outputHelp({ error: true });
}
