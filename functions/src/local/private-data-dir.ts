import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Makes DATA_DIR private to its owner, also when it already exists from an older version or was copied with
 * loose modes: the directory and every directory in it 0700, every file (and the database socket) 0600. It
 * holds password hashes, the master key of sealed credentials, run logs and outgoing mail.
 * Symbolic links are left alone (chmod would change their target, which may live anywhere).
 * Returns how many entries had their mode changed.
 */
export function makeDataDirPrivate(dataDir: string): number {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  let changed = 0;
  const walk = (path: string) => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return;
    const want = stat.isDirectory() ? 0o700 : 0o600;
    if ((stat.mode & 0o777) !== want) {
      chmodSync(path, want);
      changed++;
    }
    if (stat.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(dataDir);
  return changed;
}

/**
 * What the local processes create from now on is private too (files 0600, directories 0700): LevelDB's new
 * tables, run logs, outbox mail. Called by the entry points (`npm start`, the admin CLI), not by library code.
 */
export function keepNewFilesPrivate(): void {
  process.umask(0o077);
}
