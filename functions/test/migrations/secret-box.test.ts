import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKmsSecretOpener } from '../../src/adapters/kms/kms-secret-opener.ts';
import { createKmsSecretSealer } from '../../src/adapters/kms/kms-secret-sealer.ts';
import { createLocalSecretOpener, createLocalSecretSealer } from '../../src/adapters/local-secret-box/local-secret-box.ts';
import { SecretOpenError } from '../../src/modules/secrets/ports.ts';
import { createDefaultKmsSecretBox } from '../../src/adapters/kms/kms-secret-box.ts';
import { makeMfaSecretBox } from '../../src/modules/auth/mfa-secret-box.ts';

const CTX = { kind: 'migration-job-source', id: 'job_abc' };
const SECRET = 'pässwörd with "quotes" and $(id)';

describe('local secret box (CS-2)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'secret-box-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the master key 0600 and round-trips; the blob holds no plaintext', async () => {
    const keyFile = join(dir, '.data', 'master.key');
    const sealed = await createLocalSecretSealer(keyFile).seal(SECRET, CTX);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(sealed).toMatch(/^v1:local:/);
    expect(sealed).not.toContain('pässwörd');
    expect(await createLocalSecretOpener(keyFile).open(sealed, CTX)).toBe(SECRET);
    // A second sealer reuses the same key file instead of replacing it.
    const again = await createLocalSecretSealer(keyFile).seal(SECRET, CTX);
    expect(await createLocalSecretOpener(keyFile).open(again, CTX)).toBe(SECRET);
  });

  it('fails closed with a wrong context (another job, the other side), a tampered blob or another key', async () => {
    const keyFile = join(dir, 'master.key');
    const sealed = await createLocalSecretSealer(keyFile).seal(SECRET, CTX);
    const opener = createLocalSecretOpener(keyFile);
    await expect(opener.open(sealed, { ...CTX, id: 'job_other' })).rejects.toBeInstanceOf(SecretOpenError);
    await expect(opener.open(sealed, { ...CTX, kind: 'migration-job-dest' })).rejects.toBeInstanceOf(SecretOpenError);
    const tampered = sealed.slice(0, -3) + (sealed.endsWith('A') ? 'BBB' : 'AAA');
    await expect(opener.open(tampered, CTX)).rejects.toBeInstanceOf(SecretOpenError);
    await expect(opener.open('v1:kms:x:y:z', CTX)).rejects.toBeInstanceOf(SecretOpenError);
    await expect(createLocalSecretOpener(join(dir, 'other.key')).open(sealed, CTX)).rejects.toBeInstanceOf(SecretOpenError);
  });

  it('tightens a key file others can read to 0600', async () => {
    const keyFile = join(dir, 'loose.key');
    writeFileSync(keyFile, randomBytes(32).toString('base64'));
    chmodSync(keyFile, 0o644);
    createLocalSecretSealer(keyFile);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile, 'utf8')).not.toBe('');
  });
});

describe('KMS envelope (aws-sdk-client-mock)', () => {
  const kms = mockClient(KMSClient);
  afterEach(() => kms.reset());
  const dataKey = randomBytes(32);

  it('seals with GenerateDataKey (AES_256, context bound to the record) and opens with Decrypt under the same context', async () => {
    kms.on(GenerateDataKeyCommand).resolves({ Plaintext: new Uint8Array(dataKey), CiphertextBlob: new Uint8Array([1, 2, 3, 4]), KeyId: 'key-1' });
    kms.on(DecryptCommand).resolves({ Plaintext: new Uint8Array(dataKey) });
    const client = new KMSClient({ region: 'eu-west-1' });
    const sealed = await createKmsSecretSealer(client, 'alias/migrations').seal(SECRET, CTX);
    expect(sealed).toMatch(/^v1:kms:/);
    expect(kms.commandCalls(GenerateDataKeyCommand)[0]!.args[0].input).toEqual({
      KeyId: 'alias/migrations',
      KeySpec: 'AES_256',
      EncryptionContext: { purpose: 'migration-credentials', kind: 'migration-job-source', id: 'job_abc' },
    });
    expect(await createKmsSecretOpener(client, 'alias/migrations').open(sealed, CTX)).toBe(SECRET);
    const decrypt = kms.commandCalls(DecryptCommand)[0]!.args[0].input;
    expect(decrypt.EncryptionContext).toEqual({ purpose: 'migration-credentials', kind: 'migration-job-source', id: 'job_abc' });
    expect(decrypt.KeyId).toBe('alias/migrations');
    expect(Buffer.from(decrypt.CiphertextBlob!)).toEqual(Buffer.from([1, 2, 3, 4]));
  });

  it('turns InvalidCiphertextException (wrong context) into SecretOpenError', async () => {
    kms.on(GenerateDataKeyCommand).resolves({ Plaintext: new Uint8Array(dataKey), CiphertextBlob: new Uint8Array([9]) });
    kms.on(DecryptCommand).rejects(Object.assign(new Error('bad context'), { name: 'InvalidCiphertextException' }));
    const client = new KMSClient({ region: 'eu-west-1' });
    const sealed = await createKmsSecretSealer(client, 'k').seal(SECRET, CTX);
    await expect(createKmsSecretOpener(client, 'k').open(sealed, { ...CTX, id: 'job_b' })).rejects.toBeInstanceOf(SecretOpenError);
  });

  it('TOTP secrets (issue 15): sealed and opened by the api under their own purpose, bound to the admin', async () => {
    kms.on(GenerateDataKeyCommand).resolves({ Plaintext: new Uint8Array(dataKey), CiphertextBlob: new Uint8Array([7, 7]) });
    kms.on(DecryptCommand).resolves({ Plaintext: new Uint8Array(dataKey) });
    const box = makeMfaSecretBox(createDefaultKmsSecretBox('arn:aws:kms:eu-west-1:111122223333:key/k'));
    const sealed = await box.seal('JBSWY3DPEHPK3PXP', 'olive@example.com');
    expect(sealed).toMatch(/^v1:kms:/);
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    const context = { purpose: 'admin-mfa', kind: 'totp', id: 'olive@example.com' };
    expect(kms.commandCalls(GenerateDataKeyCommand)[0]!.args[0].input).toEqual({ KeyId: 'arn:aws:kms:eu-west-1:111122223333:key/k', KeySpec: 'AES_256', EncryptionContext: context });
    expect(await box.open(sealed, 'olive@example.com')).toEqual({ secret: 'JBSWY3DPEHPK3PXP', legacy: false });
    expect(kms.commandCalls(DecryptCommand)[0]!.args[0].input.EncryptionContext).toEqual(context);
  });
});
