import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SandboxState } from './sandbox-state.ts';

export class SandboxStateFileError extends Error {
  override readonly name = 'SandboxStateFileError';
  constructor(
    readonly path: string,
    options?: ErrorOptions,
  ) {
    super(`Sandbox state file ${path} is unreadable; delete it to start fresh`, options);
  }
}

/** The saved state, or undefined when there is no file yet. */
export function loadStateFile(path: string): SandboxState | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SandboxStateFileError(path, { cause: error });
  }
  try {
    return SandboxState.parse(JSON.parse(text));
  } catch (error) {
    throw new SandboxStateFileError(path, { cause: error });
  }
}

/** Writes atomically (temp file + rename) so a crash never leaves half a file. */
export function saveStateFile(path: string, state: SandboxState): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(state, null, 2), { mode: 0o600 });
  renameSync(temp, path);
}
