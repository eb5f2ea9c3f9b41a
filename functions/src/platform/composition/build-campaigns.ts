import { NotFoundError } from '../../modules/errors.ts';
import { CreateUserInput } from '@app/shared';
import { createDynamoBatchStore } from '../../adapters/dynamodb/dynamodb-batch-store.ts';
import { createDynamoCampaignChallengeStore } from '../../adapters/dynamodb/dynamodb-campaign-challenge-store.ts';
import { createDynamoCampaignStore } from '../../adapters/dynamodb/dynamodb-campaign-store.ts';
import { createDynamoCampaignSubmissionStore } from '../../adapters/dynamodb/dynamodb-campaign-submission-store.ts';
import { createDynamoThrottleStore } from '../../adapters/dynamodb/dynamodb-throttle-store.ts';
import type { Table } from '../../adapters/dynamodb/table.ts';
import type { Audit } from '../../modules/audit/audit.ts';
import type { CacheStore } from '../../modules/cache/ports.ts';
import { makeCampaigns } from '../../modules/campaigns/campaigns.ts';
import { DEFAULT_CAMPAIGN_LIMITS, type CampaignLimits, type MailboxDirectory } from '../../modules/campaigns/ports.ts';
import { throttleRateCounter } from '../../modules/campaigns/rate-limits.ts';
import { makeSealedBatchCreator } from '../../modules/campaigns/sealed-batch-creator.ts';
import { newId } from '../../modules/migrations/ids.ts';
import type { MigrationsApi } from '../../modules/migrations/migrations-api.ts';
import type { SecretSealer } from '../../modules/secrets/ports.ts';
import type { Users } from '../../modules/users/users.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import { buildMigrationStores } from './build-migrations.ts';

export interface CampaignConfig {
  CAMPAIGN_PER_IP_PER_15_MIN: number;
  CAMPAIGN_PER_TOKEN_PER_HOUR: number;
  CAMPAIGN_FAILURES_PER_ADDRESS_PER_HOUR: number;
}

/**
 * Campaigns: DynamoDB stores, the login throttle buckets as counters, the migrations' IMAP "test login" as
 * the verifier (same private-address rule), PurelyMail users for mailboxes, and the batch flow for launch.
 */
export function buildCampaigns(opts: {
  table: Table;
  /** Defaults (5 / 30 / 200) for each key not given. */
  config: Partial<CampaignConfig>;
  sealer: SecretSealer;
  migrations: MigrationsApi;
  users: Pick<Users, 'create' | 'get'>;
  cache: CacheStore;
  refreshCache: () => Promise<unknown>;
  audit: Audit;
  clock: Clock;
  logger: Logger;
  panelUrl: string;
}) {
  const { table, config, clock } = opts;
  const stores = buildMigrationStores(table);
  const limits: CampaignLimits = {
    ...DEFAULT_CAMPAIGN_LIMITS,
    perIpPer15Min: config.CAMPAIGN_PER_IP_PER_15_MIN ?? DEFAULT_CAMPAIGN_LIMITS.perIpPer15Min,
    perTokenPerHour: config.CAMPAIGN_PER_TOKEN_PER_HOUR ?? DEFAULT_CAMPAIGN_LIMITS.perTokenPerHour,
    failuresPerAddressPerHour: config.CAMPAIGN_FAILURES_PER_ADDRESS_PER_HOUR ?? DEFAULT_CAMPAIGN_LIMITS.failuresPerAddressPerHour,
  };
  const cachedUsers = async () => {
    let snapshot = await opts.cache.read(['users']);
    if (!snapshot.users) {
      await opts.refreshCache();
      snapshot = await opts.cache.read(['users']);
    }
    return { addresses: (snapshot.users?.addresses ?? []).map((a) => a.toLowerCase()), capped: snapshot.users?.capped ?? false };
  };
  const mailboxes: MailboxDirectory = {
    async addresses() {
      return (await cachedUsers()).addresses;
    },
    async existing(candidates) {
      const { addresses, capped } = await cachedUsers();
      const listed = new Set(addresses);
      const found = new Set(candidates.filter((a) => listed.has(a)));
      if (!capped) return found;
      // Past PurelyMail's 1,000-user cap: getUser decides for each address the list does not show, 5 at a time.
      const unlisted = [...new Set(candidates.filter((a) => !listed.has(a)))];
      for (let i = 0; i < unlisted.length; i += 5) {
        await Promise.all(
          unlisted.slice(i, i + 5).map((a) =>
            opts.users.get(a).then(
              () => void found.add(a),
              (err: unknown) => {
                if (!(err instanceof NotFoundError)) throw err;
              },
            ),
          ),
        );
      }
      return found;
    },
    async create(address, password) {
      const at = address.lastIndexOf('@');
      await opts.users.create(CreateUserInput.parse({ localPart: address.slice(0, at), domain: address.slice(at + 1), password }));
    },
  };
  const batches = makeSealedBatchCreator({ batchStore: createDynamoBatchStore(table), jobs: stores.jobs, servers: stores.servers, manageJobs: opts.migrations.jobs, clock, logger: opts.logger });
  return makeCampaigns({
    campaigns: createDynamoCampaignStore(table),
    submissions: createDynamoCampaignSubmissionStore(table),
    challenges: createDynamoCampaignChallengeStore(table),
    servers: stores.servers,
    counter: throttleRateCounter(createDynamoThrottleStore(table)),
    limits,
    verifier: {
      async verify(serverId, user, password) {
        const r = await opts.migrations.testLogin.saved(serverId, { user, password });
        return r.ok ? { ok: true } : { ok: false, reason: r.reason, message: r.message };
      },
    },
    sealer: opts.sealer,
    mailboxes,
    batches: () => batches,
    audit: opts.audit,
    clock,
    panelUrl: opts.panelUrl,
    newJobId: (now) => newId('job', now),
  });
}
