import type { Clock } from '../../platform/clock.ts';
import type { CacheStore } from '../cache/ports.ts';
import type { PendingActionRequester } from '../pending-actions/ports.ts';
import type { PurelyMail } from '../purelymail/ports.ts';
import type { RuleUndoStore } from './ports.ts';

/** The ports the routing use cases share. */
export interface RoutingDeps {
  purelymail: PurelyMail;
  cache: CacheStore;
  clock: Clock;
  pendingActions: PendingActionRequester;
  /** Who created which rule when: the instant undo's record. */
  undo: RuleUndoStore;
}
