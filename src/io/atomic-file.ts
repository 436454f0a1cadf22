/** Files written whole or not at all. */
import { renameSync, writeFileSync } from 'node:fs';

/** Write next to the target, then rename: a reader (or a crash) never sees half a file. */
export function writeFileAtomic(path: string, data: string | Buffer): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}
