import { SandboxApiError } from './sandbox-api-error.ts';
import type { SandboxContext } from './sandbox-context.ts';
import { findUser } from './user-operations.ts';
import type { WireRequest } from './wire-requests.ts';

export function upsertPasswordReset(ctx: SandboxContext, req: WireRequest<'upsertPasswordReset'>): object {
  const user = findUser(ctx, req.userName);
  const key = req.existingTarget ?? req.target;
  const existing = user.resetMethods.find((m) => m.target === key);
  if (req.existingTarget !== undefined && !existing) {
    throw new SandboxApiError(ctx.behaviour.errorCodes.resetMethodNotFound, 'Password reset method not found');
  }
  if (existing && (req.existingTarget !== undefined || ctx.behaviour.upsertExistingTarget === 'update')) {
    existing.type = req.type;
    existing.target = req.target;
    if (req.description !== undefined) existing.description = req.description;
    if (req.allowMfaReset !== undefined) existing.allowMfaReset = req.allowMfaReset;
    return {};
  }
  user.resetMethods.push({ type: req.type, target: req.target, description: req.description ?? '', allowMfaReset: req.allowMfaReset ?? true });
  return {};
}

/** Without `target`, deletes every method of the user (vic1707). */
export function deletePasswordReset(ctx: SandboxContext, req: WireRequest<'deletePasswordReset'>): object {
  const user = findUser(ctx, req.userName);
  if (req.target === undefined) {
    user.resetMethods = [];
    return {};
  }
  const remaining = user.resetMethods.filter((m) => m.target !== req.target);
  if (remaining.length === user.resetMethods.length) {
    throw new SandboxApiError(ctx.behaviour.errorCodes.resetMethodNotFound, 'Password reset method not found');
  }
  user.resetMethods = remaining;
  return {};
}

/** The array key really is `users`. */
export function listPasswordReset(ctx: SandboxContext, req: WireRequest<'listPasswordReset'>): object {
  return { users: findUser(ctx, req.userName).resetMethods.map((m) => ({ ...m })) };
}
