/** A progress bar on stderr when it is a TTY; nothing otherwise. */
export interface Progress {
  update(done: number, total?: number): void;
  done(): void;
}

const NOOP: Progress = { update() {}, done() {} };

export function progress(label: string, enabled: boolean = Boolean(process.stderr.isTTY)): Progress {
  if (!enabled) return NOOP;
  let last = 0;
  let shown = false;
  const width = 30;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < 80 && (total === undefined || done < total)) return;
      last = now;
      shown = true;
      let line: string;
      if (total && total > 0) {
        const f = Math.min(1, done / total);
        const fill = Math.round(f * width);
        line = `${label} [${'█'.repeat(fill)}${'░'.repeat(width - fill)}] ${done}/${total}`;
      } else {
        line = `${label} ${done}`;
      }
      process.stderr.write(`\r\x1b[2K${line}`);
    },
    done() {
      if (shown) process.stderr.write('\r\x1b[2K');
    },
  };
}
