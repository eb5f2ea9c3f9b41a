import type { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { mapError } from '../../http/on-error.ts';
import { PurelyMailUnavailableError } from '../../modules/purelymail/errors.ts';
import { cachedAppSecret, PurelyMailTokenNotSetError, type SecretsManagerSdk } from './app-secret.ts';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app';

/** A Secrets Manager stand-in whose answers are queued: a string is the SecretString, an Error a failed read. */
function fakeSecrets(...answers: (string | Error)[]) {
  const reads: string[] = [];
  const client = {
    send: (command: { input: { SecretId?: string } }) => {
      reads.push(command.input.SecretId!);
      const next = answers.length > 1 ? answers.shift()! : answers[0]!;
      return next instanceof Error ? Promise.reject(next) : Promise.resolve({ SecretString: next });
    },
  } as unknown as SecretsManagerClient;
  const Command = class {
    constructor(readonly input: { SecretId?: string }) {}
  } as unknown as typeof GetSecretValueCommand;
  const sdk: SecretsManagerSdk = () => Promise.resolve({ client, GetSecretValueCommand: Command });
  return { sdk, reads };
}

const json = (v: Record<string, unknown>) => JSON.stringify(v);

describe('cachedAppSecret: one JSON secret for the PurelyMail token and the origin-verify value', () => {
  it('reads the secret once for both fields', async () => {
    const { sdk, reads } = fakeSecrets(json({ purelymailToken: ' pm-token\n', originVerify: 'ov-value' }));
    const secret = cachedAppSecret(sdk, ARN);
    expect(await Promise.all([secret.originVerify(), secret.purelymailToken()])).toEqual(['ov-value', 'pm-token']);
    expect(await secret.purelymailToken()).toBe('pm-token');
    expect(reads).toEqual([ARN]);
  });

  it('does not cache a failed read', async () => {
    const { sdk, reads } = fakeSecrets(new Error('throttled'), json({ purelymailToken: 'pm-token', originVerify: 'ov' }));
    const secret = cachedAppSecret(sdk, ARN);
    await expect(secret.purelymailToken()).rejects.toThrow('throttled');
    expect(await secret.purelymailToken()).toBe('pm-token');
    expect(await secret.originVerify()).toBe('ov');
    expect(reads).toHaveLength(2);
  });

  it('turns the placeholder token into "PurelyMail unavailable" with the command to fix it, and re-reads until it is set', async () => {
    const { sdk, reads } = fakeSecrets(json({ purelymailToken: 'REPLACE_ME', originVerify: 'ov-secret-value' }), json({ purelymailToken: 'pm-token', originVerify: 'ov-secret-value' }));
    const secret = cachedAppSecret(sdk, ARN);
    const err = await secret.purelymailToken().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PurelyMailTokenNotSetError);
    expect(err).toBeInstanceOf(PurelyMailUnavailableError);
    expect((err as Error).message).toContain(`set the PurelyMail token: aws secretsmanager put-secret-value --secret-id ${ARN}`);
    expect((err as Error).message).not.toContain('ov-secret-value');
    expect(mapError(err)).toMatchObject({ status: 503, code: 'purelymail_unavailable' });
    // Ops set the token: the next call reads it, without waiting for a new container.
    expect(await secret.purelymailToken()).toBe('pm-token');
    expect(reads).toHaveLength(2);
  });

  it('treats a missing token like the placeholder, and keeps the origin-verify value usable meanwhile', async () => {
    const { sdk } = fakeSecrets(json({ originVerify: 'ov' }));
    const secret = cachedAppSecret(sdk, ARN);
    expect(await secret.originVerify()).toBe('ov');
    await expect(secret.purelymailToken()).rejects.toBeInstanceOf(PurelyMailTokenNotSetError);
  });

  it('refuses a value that is not the JSON object, without echoing it', async () => {
    for (const value of ['plain-old-token-value', '["plain-old-token-value"]']) {
      const { sdk } = fakeSecrets(value);
      const err = (await cachedAppSecret(sdk, ARN)
        .purelymailToken()
        .catch((e: unknown) => e)) as Error;
      expect(err.message).toContain(`Secret ${ARN} is not a JSON object`);
      expect(err.message).not.toContain('plain-old-token-value');
      expect(err.cause).toBeUndefined();
    }
  });
});
