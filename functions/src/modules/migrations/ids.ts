import { randomBytes } from 'node:crypto';

/** Time-ordered, unguessable ids (`<prefix>_<ms base36><80 random bits hex>`), short enough for an ECS clientToken. */
export function newId(prefix: 'srv' | 'job' | 'run', now: Date): string {
  return `${prefix}_${now.getTime().toString(36)}${randomBytes(10).toString('hex')}`;
}

/** Ids that come back from the URL: same alphabet, bounded length (keeps them out of key-injection games). */
export const ID_PATTERN = /^(srv|job|run)_[0-9a-z]{8,40}(-a\d{1,2})?$/;
