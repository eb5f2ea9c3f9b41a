import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoAdminStore } from '../../src/adapters/dynamodb/dynamodb-admin-store.ts';
import { createDynamoMfaChallengeStore } from '../../src/adapters/dynamodb/dynamodb-mfa-challenge-store.ts';
import { createDynamoSessionStore } from '../../src/adapters/dynamodb/dynamodb-session-store.ts';
import { createDynamoSetupTokenStore } from '../../src/adapters/dynamodb/dynamodb-setup-token-store.ts';
import { createDynamoThrottleStore } from '../../src/adapters/dynamodb/dynamodb-throttle-store.ts';
import { startLocalDynamo } from '../../src/adapters/dynamodb/local-dynalite.ts';
import { makeAuth } from '../../src/modules/auth/auth.ts';
import { createScryptPasswordHasher } from '../../src/modules/auth/scrypt-password-hasher.ts';
import { makeMfaSecretBox } from '../../src/modules/auth/mfa-secret-box.ts';
import { createLocalSecretOpener, createLocalSecretSealer } from '../../src/adapters/local-secret-box/local-secret-box.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock, TEST_PASSWORD } from '../support/test-runtime.ts';
import { totpCode } from './totp-code.ts';

// The stored form of 2FA and the atomicity of "use once", against dynalite (DynamoDB's wire protocol).
describe('2FA storage', () => {
  let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
  const clock = new FakeClock();
  const origin = { ip: '203.0.113.9', userAgent: 'test' };
  let auth: ReturnType<typeof makeAuth>;
  let admins: ReturnType<typeof createDynamoAdminStore>;
  const email = 'olive@example.com';
  const keyDir = mkdtempSync(join(tmpdir(), 'mfa-key-'));
  const keyFile = join(keyDir, 'master.key');

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tableName: 'mfa-store-test' });
    admins = createDynamoAdminStore(dynamo.table);
    const hasher = createScryptPasswordHasher(12);
    auth = makeAuth({
      admins,
      sessions: createDynamoSessionStore(dynamo.table),
      throttles: createDynamoThrottleStore(dynamo.table),
      setupTokens: createDynamoSetupTokenStore(dynamo.table),
      mfaChallenges: createDynamoMfaChallengeStore(dynamo.table),
      mfaSecrets: makeMfaSecretBox({ ...createLocalSecretSealer(keyFile), ...createLocalSecretOpener(keyFile) }),
      hasher,
      clock,
      sessionPolicy: { idleMinutes: 30, absoluteHours: 12 },
      throttlePolicy: { accountFailuresBeforeBackoff: 5, ipFailuresPerWindow: 100, ipWindowMinutes: 15 },
    });
    await admins.create({ email, name: 'Olive', role: 'owner', passwordHash: await hasher.hash(TEST_PASSWORD), createdAt: clock.now().toISOString(), lastLoginAt: null });
  });
  afterAll(async () => {
    await dynamo?.close();
    rmSync(keyDir, { recursive: true, force: true });
  });

  const rawItem = async () => (await dynamo.table.doc.send(new GetCommand({ TableName: dynamo.table.name, Key: { pk: `ADMIN#${email}`, sk: 'ADMIN' } }))).Item!;

  it('keeps recovery codes only as salted scrypt hashes, and uses a TOTP step and a recovery code exactly once under races', async () => {
    // Prepare
    const session = await auth.logIn({ email, password: TEST_PASSWORD }, origin);
    if (session.mfaChallenge !== undefined) throw new Error('no 2FA yet');
    const { secret } = await auth.startMfaEnrolment((await admins.get(email))!);
    // Sealed at rest from the first moment (issue 15): AES-GCM under the master key, bound to the admin.
    expect((await rawItem()).mfaPendingSecret).toMatch(/^v1:local:/);
    expect(JSON.stringify(await rawItem())).not.toContain(secret);
    const { recoveryCodes } = await auth.confirmMfaEnrolment((await admins.get(email))!, session.session.id, { code: totpCode(secret, clock), password: TEST_PASSWORD }, origin);

    // Assess: storage
    const item = await rawItem();
    const stored = JSON.stringify(item, (_k, v: unknown) => (v instanceof Set ? [...v] : v));
    for (const c of recoveryCodes) {
      expect(stored).not.toContain(c);
      expect(stored).not.toContain(c.replace('-', ''));
    }
    expect(item.mfaRecoveryHashes).toBeInstanceOf(Set);
    expect((item.mfaRecoveryHashes as Set<string>).size).toBe(10);
    expect(item.mfaPendingSecret).toBeUndefined();
    expect(typeof item.mfaRecoverySalt).toBe('string');
    expect(item.mfaSecret).toMatch(/^v1:local:/);
    expect(stored).not.toContain(secret);

    // Act: two logins race with the same challenge and the same fresh TOTP code
    clock.advance(30_000);
    const first = await auth.logIn({ email, password: TEST_PASSWORD }, origin);
    const challenge = first.mfaChallenge!;
    const code = totpCode(secret, clock);
    const race = await Promise.allSettled([auth.completeMfaLogin({ challenge, code }, origin), auth.completeMfaLogin({ challenge, code }, origin)]);
    expect(race.filter((r) => r.status === 'fulfilled')).toHaveLength(1);

    // Act: two logins race with the same recovery code
    const [a, b] = [await auth.logIn({ email, password: TEST_PASSWORD }, origin), await auth.logIn({ email, password: TEST_PASSWORD }, origin)];
    const rc = recoveryCodes[0]!;
    const race2 = await Promise.allSettled([auth.completeMfaLogin({ challenge: a.mfaChallenge!, code: rc }, origin), auth.completeMfaLogin({ challenge: b.mfaChallenge!, code: rc }, origin)]);
    expect(race2.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(((await rawItem()).mfaRecoveryHashes as Set<string>).size).toBe(9);
  });

  it('seals a TOTP secret stored in clear by an older version at its next use; a sealed secret moved to another admin does not open', async () => {
    const plain = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    const sealed = (await rawItem()).mfaSecret as string;
    await dynamo.table.doc.send(new UpdateCommand({ TableName: dynamo.table.name, Key: { pk: `ADMIN#${email}`, sk: 'ADMIN' }, UpdateExpression: 'SET mfaSecret = :p', ExpressionAttributeValues: { ':p': plain } }));
    clock.advance(60_000);
    const { mfaChallenge } = await auth.logIn({ email, password: TEST_PASSWORD }, origin);
    await auth.completeMfaLogin({ challenge: mfaChallenge!, code: totpCode(plain, clock) }, origin);
    const resealed = (await rawItem()).mfaSecret as string;
    expect(resealed).toMatch(/^v1:local:/);
    expect(resealed).not.toBe(sealed);
    // The code still works from the sealed form.
    clock.advance(60_000);
    const again = await auth.logIn({ email, password: TEST_PASSWORD }, origin);
    await expect(auth.completeMfaLogin({ challenge: again.mfaChallenge!, code: totpCode(plain, clock) }, origin)).resolves.toMatchObject({ factor: 'totp' });
    // Copied onto another admin's item, the blob fails authentication (the admin is in the additional data).
    const box = makeMfaSecretBox({ ...createLocalSecretSealer(keyFile), ...createLocalSecretOpener(keyFile) });
    await expect(box.open(resealed, 'mallory@example.com')).rejects.toThrow(/does not open/);
    await expect(box.open(resealed, email)).resolves.toEqual({ secret: plain, legacy: false });
  });

  it('drops the recovery code set when the last code is used, and disabling removes every 2FA attribute', async () => {
    const admin = (await admins.get(email))!;
    for (const hash of admin.mfa!.recoveryCodeHashes) expect(await admins.useRecoveryCode(email, hash)).toBe(true);
    expect(await admins.useRecoveryCode(email, admin.mfa!.recoveryCodeHashes[0]!)).toBe(false);
    expect((await admins.get(email))!.mfa).toMatchObject({ recoveryCodeHashes: [] });
    await admins.disableMfa(email);
    const item = await rawItem();
    expect(Object.keys(item).filter((k) => k.startsWith('mfa'))).toEqual([]);
    expect((await admins.get(email))!.mfa).toBeUndefined();
  });
});
