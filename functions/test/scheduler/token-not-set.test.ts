import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDynamo } from '../../src/adapters/dynamodb/local-dynalite.ts';
import { NodeDnsLookup } from '../../src/adapters/dns/node-dns-lookup.ts';
import { PurelyMailHttpClient } from '../../src/adapters/purelymail/purelymail-http-client.ts';
import { makeScheduledHandler } from "../../src/entrypoints/scheduled.ts";
const NOT_CONFIGURED = { skipped: "PurelyMail is not configured (no API token yet)" };
import { startSandbox, type Sandbox } from '../../src/local/purelymail-sandbox/sandbox-server.ts';
import { PurelyMailTokenNotSetError } from '../../src/adapters/secrets-manager/app-secret.ts';
import { createJsonLogger } from '../../src/platform/logger.ts';
import { buildTestCapabilities } from '../support/test-capabilities.ts';
import { FakeClock } from '../support/test-runtime.ts';

const TOKEN = 'token-set-later';
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app';

/**
 * Right after the first deploy the app secret holds no PurelyMail token. The recurring cache refresh (every 15
 * minutes) must not throw into Lambda's retries and the dead-letter queue, whose alarm would page ops every time:
 * it says "not configured" once and skips, and runs as soon as the token is set. The real wiring, on dynalite and
 * the PurelyMail sandbox over HTTP, with the token read as the AWS root reads it (PurelyMailTokenNotSetError).
 */
describe('scheduled jobs while the PurelyMail token is not set', () => {
  let sandbox: Sandbox;
  let closers: (() => Promise<void>)[];
  let handler: ReturnType<typeof makeScheduledHandler>;
  let tokenSet = false;
  const logs: string[] = [];

  beforeAll(async () => {
    const dynamo = await startLocalDynamo({ tableName: 'token-not-set' });
    sandbox = await startSandbox({ token: TOKEN, seed: true });
    closers = [dynamo.close, () => sandbox.close()];
    const clock = new FakeClock();
    const app = buildTestCapabilities({
      table: dynamo.table,
      purelymail: new PurelyMailHttpClient({
        baseUrl: sandbox.url,
        token: async () => {
          if (!tokenSet) throw new PurelyMailTokenNotSetError(SECRET);
          return TOKEN;
        },
        sleep: async () => {},
        maxRetries: 0,
      }),
      clock,
      logger: createJsonLogger({ level: 'info', write: (l) => logs.push(l) }),
      mfaSecretBox: { seal: () => Promise.reject(new Error('not used')), open: () => Promise.reject(new Error('not used')) },
      dnsLookup: new NodeDnsLookup({ servers: ['127.0.0.1:9'], timeoutMs: 200, tries: 1 }),
      scheduler: { schedule: async () => {}, cancel: async () => {} },
      mailer: { send: async () => {} },
    }, { panelUrl: 'https://panel.test', config: { MAIL_FROM: 'panel@example.com', DNS_TIER_BATCH: 10 } });
    handler = makeScheduledHandler({ ...app.background, logger: app.deps.logger });
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });

  const notConfiguredLines = () => logs.filter((l) => l.includes('PurelyMail is not configured'));

  it('skips the refresh without throwing (no retry, no dead letter), and says so once however often it runs', async () => {
    for (let tick = 0; tick < 4; tick++) await expect(handler({ kind: 'cache-refresh' })).resolves.toEqual({ kind: 'cache-refresh', result: NOT_CONFIGURED });
    // Other jobs keep running in between and do not make it say it again.
    await expect(handler({ kind: 'sweep' })).resolves.toMatchObject({ kind: 'sweep' });
    await expect(handler({ kind: 'cache-refresh' })).resolves.toEqual({ kind: 'cache-refresh', result: NOT_CONFIGURED });
    expect(notConfiguredLines()).toHaveLength(1);
    expect(JSON.parse(notConfiguredLines()[0]!)).toMatchObject({ level: 'warn', kind: 'cache-refresh' });
    expect(sandbox.requests()).toHaveLength(0);
  });

  it('runs as soon as the token is set (the next tick, in the same execution environment)', async () => {
    tokenSet = true;
    const out = await handler({ kind: 'cache-refresh' });
    expect(out).toMatchObject({ kind: 'cache-refresh', result: { creditLevel: expect.anything() } });
    expect(sandbox.requests().map((r) => r.op).sort()).toEqual(['checkAccountCredit', 'listDomains', 'listRoutingRules', 'listUser']);
    expect(notConfiguredLines()).toHaveLength(1);
  });

  it('still fails (for Lambda to retry) on a real outage', async () => {
    tokenSet = true;
    sandbox.injectFault({ op: 'listUser', status: 503, count: 5 });
    await expect(handler({ kind: 'cache-refresh' })).rejects.toThrow(/unavailable/);
    sandbox.clearFaults();
  });
});
