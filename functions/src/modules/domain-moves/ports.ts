import type { DomainMove } from '@app/shared';
import type { ScheduledEvent } from '../../adapters/scheduler/scheduled-event.ts';

/** The moves' one item each, written with a condition on `version` so parallel requests have one winner. */
export interface DomainMoveStore {
  get(domain: string): Promise<DomainMove | undefined>;
  /** Every move, newest first (few: one per domain). */
  list(): Promise<DomainMove[]>;
  /** Writes a new move; false when one exists for the domain (another request won). */
  create(move: DomainMove): Promise<boolean>;
  /** Writes `next` (its version must be `expectedVersion + 1`) when the stored version is still `expectedVersion`; false otherwise. */
  replace(next: DomainMove, expectedVersion: number): Promise<boolean>;
  /** The record sets a DNS apply replaced, kept beside the move for a rollback (their shape is the DNS cutover's). */
  saveDnsRecords(domain: string, saved: unknown[]): Promise<void>;
  dnsRecords(domain: string): Promise<unknown[] | undefined>;
}

/**
 * A recurring schedule that fires a ScheduledEvent every N minutes (EventBridge Scheduler on AWS, the local
 * tick-driven scheduler locally). `put` creates or updates by name; `remove` of an absent schedule is fine.
 */
export interface RecurringScheduler {
  put(name: string, spec: { everyMinutes: number; until?: Date; event: ScheduledEvent }): Promise<void>;
  remove(name: string): Promise<void>;
}

/** What 19b's DNS cutover module (`makeDnsCutover`) offers a move: the move uses only these. */
export interface DnsCutover {
  oldMx(domain: string): Promise<{ hosts: string[]; ttlSeconds: number | null; readAt: string }>;
  plan(domain: string, ownershipCode: string | null): Promise<{ bind: string; records: unknown[]; provider: { kind: 'route53' | 'sandbox'; zone: string } | null; changeSet: unknown[] | null }>;
  apply(domain: string, ownershipCode: string | null): Promise<{ provider: 'route53' | 'sandbox'; saved: unknown[]; changeId: string | null }>;
  rollback(domain: string, saved: unknown[]): Promise<void>;
  watch(domain: string): Promise<{ at: string; resolvers: { resolver: string; mx: string[]; purelymail: boolean; error: string | null }[]; everywhere: boolean }>;
}
