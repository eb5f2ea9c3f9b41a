import type { Health, PublicHealth } from '@app/shared';
import type { Clock } from '../../platform/clock.ts';
import { PurelyMailNotConfiguredError } from '../purelymail/errors.ts';
import type { PurelyMail } from '../purelymail/ports.ts';

// PurelyMail has no health endpoint; a cheap read tells whether it answers. Cached so health checks
// (load balancers, uptime monitors) never turn into a stream of API calls.
const PURELYMAIL_HEALTH_TTL_MS = 30_000;

/**
 * The store and PurelyMail, checked. The detail (error names and messages: a missing token's message names the
 * secret and the command that sets it) is for the log and signed-in admins; anyone else gets one word per dependency.
 */
export function makeCheckHealth(deps: { store: { get(): Promise<unknown> }; purelymail: Pick<PurelyMail, 'getOwnershipCode'>; clock: Clock; sandbox: boolean }) {
  let pmHealth: { at: number; value: string; state: PublicHealth['purelymail'] } | undefined;
  return async (): Promise<{ public: PublicHealth; detail: Health }> => {
    const store = await deps.store.get().then(
      () => 'ok',
      (err: unknown) => `unreachable: ${(err as Error).name}`,
    );
    const now = deps.clock.now().getTime();
    if (!pmHealth || now - pmHealth.at > PURELYMAIL_HEALTH_TTL_MS || pmHealth.state !== 'ok') {
      pmHealth = await deps.purelymail.getOwnershipCode().then(
        () => ({ at: now, value: 'ok', state: 'ok' as const }),
        (err: unknown) => ({
          at: now,
          value: `${err instanceof PurelyMailNotConfiguredError ? 'not configured' : 'unreachable'}: ${(err as Error).message}`,
          state: err instanceof PurelyMailNotConfiguredError ? ('not configured' as const) : ('unreachable' as const),
        }),
      );
    }
    const ok = store === 'ok' && pmHealth.state === 'ok';
    const mode = deps.sandbox ? 'sandbox' : 'live';
    return {
      public: { ok, store: store === 'ok' ? 'ok' : 'unreachable', purelymail: pmHealth.state, mode },
      detail: { ok, store, purelymail: pmHealth.value, mode },
    };
  };
}
