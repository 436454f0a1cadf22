/** Files written whole or not at all. */
import { closeSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';

/** Write next to the target, then rename: a reader (or a crash) never sees half a file. */
export function writeFileAtomic(path: string, data: string | Buffer): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** writeFileAtomic of a document written piece by piece by `fill` (never held as one string); a failure leaves no file. */
export function writeFileAtomicWith(path: string, fill: (write: (s: string) => void) => void): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    fill((s) => {
      writeSync(fd, s);
    });
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
}
