// TEMPORARY: the contract of notes/design-19.md written as zod, until 19a's shared/src/schemas/domain-move.ts
// is merged into this branch (then this file goes and the imports point at @app/shared).
import * as z from 'zod';

export const DomainMoveStage = z.enum(['prepare', 'copy', 'sync', 'switch', 'final', 'finished', 'cancelled']);
export type DomainMoveStage = z.infer<typeof DomainMoveStage>;

export const DomainMoveMailbox = z.object({
  address: z.string(),
  sourceUser: z.string(),
  jobId: z.string().nullable(),
  passes: z.number().int(),
  consecutiveFailures: z.number().int(),
  paused: z.boolean(),
  pausedReason: z.string().nullable(),
  lastRun: z
    .object({ runId: z.string(), state: z.string(), endedAt: z.string().nullable(), messagesCopied: z.number().nullable(), verdict: z.string().nullable() })
    .nullable(),
  verdict: z.enum(['all-present', 'missing', 'unknown']),
});
export type DomainMoveMailbox = z.infer<typeof DomainMoveMailbox>;

export const DomainMoveSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('campaign'), campaignId: z.string() }),
  z.object({ kind: z.literal('batch'), batchId: z.string() }),
]);
export type DomainMoveSource = z.infer<typeof DomainMoveSource>;

export const DomainMove = z.object({
  domain: z.string(),
  stage: DomainMoveStage,
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  source: DomainMoveSource,
  batchId: z.string().nullable(),
  syncEveryHours: z.number().int(),
  pauseAfterFailures: z.number().int(),
  schedule: z.object({ name: z.string(), everyMinutes: z.number(), nextAt: z.string().nullable() }).nullable(),
  passesDone: z.number().int(),
  oldMx: z.object({ hosts: z.array(z.string()), ttlSeconds: z.number().nullable(), readAt: z.string() }).nullable(),
  dns: z.object({
    applied: z.enum(['route53', 'sandbox']).nullable(),
    appliedAt: z.string().nullable(),
    savedRecords: z.boolean(),
    switchedEverywhereAt: z.string().nullable(),
    lastWatch: z
      .object({
        at: z.string(),
        resolvers: z.array(z.object({ resolver: z.string(), mx: z.array(z.string()), purelymail: z.boolean(), error: z.string().nullable().optional() })),
        purelymailVerdict: z.boolean().nullable(),
      })
      .nullable(),
  }),
  finalPassAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  mailboxes: z.array(DomainMoveMailbox),
  next: z.object({ action: z.string(), waitingFor: z.string().nullable() }),
  version: z.number().int(),
});
export type DomainMove = z.infer<typeof DomainMove>;

export const DomainMoveList = z.object({ moves: z.array(DomainMove) });

export const DomainMoveRecord = z.object({ kind: z.string(), host: z.string(), type: z.string(), value: z.string(), priority: z.number().optional() });
export const DomainMoveDnsChange = z.object({ action: z.string(), name: z.string(), type: z.string(), ttl: z.number().optional(), values: z.array(z.string()) });
export const DomainMoveDnsPlan = z.object({
  bind: z.string(),
  records: z.array(DomainMoveRecord),
  provider: z.object({ kind: z.enum(['route53', 'sandbox']), zone: z.string() }).nullable(),
  changeSet: z.array(DomainMoveDnsChange).nullable(),
});
export type DomainMoveDnsPlan = z.infer<typeof DomainMoveDnsPlan>;

export type StartDomainMoveInput = { source: DomainMoveSource; syncEveryHours?: number; pauseAfterFailures?: number };
