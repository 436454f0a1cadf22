import type { Command } from 'commander';
import type { App } from './app.js';

/** placeholder: wired by cli.ts, filled in by its issue */
export function register(_program: Command, _app: App): void {}
