import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The executable that replays captured imapsync runs (see its header for the env it reads). */
export const STAND_IN = join(dirname(fileURLToPath(import.meta.url)), 'stand-in', 'imapsync');
