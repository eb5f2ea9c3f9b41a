import { randomBytes } from 'node:crypto';
import { SandboxApiError } from './sandbox-api-error.ts';
import { hashSecret, type SandboxContext } from './sandbox-context.ts';
import { findUser } from './user-operations.ts';
import type { WireRequest } from './wire-requests.ts';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz';

/** A fresh random secret; only its hash is kept, as PurelyMail can never show it again. */
export function createAppPassword(ctx: SandboxContext, req: WireRequest<'createAppPassword'>): object {
  const user = findUser(ctx, req.userHandle);
  const appPassword = [...randomBytes(20)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
  user.appPasswords.push({ hash: hashSecret(appPassword), name: req.name ?? '' });
  return { appPassword };
}

export function deleteAppPassword(ctx: SandboxContext, req: WireRequest<'deleteAppPassword'>): object {
  const user = findUser(ctx, req.userName);
  const hash = hashSecret(req.appPassword);
  const remaining = user.appPasswords.filter((p) => p.hash !== hash);
  if (remaining.length === user.appPasswords.length) {
    throw new SandboxApiError(ctx.behaviour.errorCodes.appPasswordNotFound, 'App password not found');
  }
  user.appPasswords = remaining;
  return {};
}
