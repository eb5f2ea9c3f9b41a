import type { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PurelyMailNotConfiguredError } from '../../modules/purelymail/errors.ts';
import { once } from '../../platform/once.ts';

export type SecretsManagerSdk = () => Promise<{ client: SecretsManagerClient; GetSecretValueCommand: typeof GetSecretValueCommand }>;

/** The Secrets Manager SDK and one client, imported on the first secret read (the api reads it at cold start, off the request path). */
export const secretsManagerOnFirstUse = (): SecretsManagerSdk =>
  once(async () => {
    const { SecretsManagerClient, GetSecretValueCommand } = await import('./secrets-manager-sdk.ts');
    return { client: new SecretsManagerClient({}), GetSecretValueCommand };
  });

/** The app secret's JSON (infra/lib/stacks/data-stack.ts): the PurelyMail token ops set, the generated origin-verify value. */
export interface AppSecret {
  readonly purelymailToken?: string;
  readonly originVerify?: string;
}

/** What the stack puts in `purelymailToken` until ops set the real token. */
export const PURELYMAIL_TOKEN_PLACEHOLDER = 'REPLACE_ME';

/** The app secret still holds no PurelyMail token: every PurelyMail call fails like an outage (503) until ops set it. */
export class PurelyMailTokenNotSetError extends PurelyMailNotConfiguredError {
  constructor(secretId: string) {
    // The token is read before any operation is known; the operation and reason only satisfy the shape.
    super('listUser', 'http');
    this.message =
      `PurelyMail token not set in ${secretId}: set the PurelyMail token: aws secretsmanager put-secret-value --secret-id ${secretId} ` +
      `--secret-string "$(aws secretsmanager get-secret-value --secret-id ${secretId} --query SecretString --output text | jq -c --arg t '<token>' '.purelymailToken = $t')" (infra/README.md)`;
  }
}

/** The secret's JSON, never echoing it: JSON.parse errors quote the input, so they are not passed on. */
function parseAppSecret(secretId: string, text: string | undefined): AppSecret {
  let parsed: unknown;
  try {
    parsed = text === undefined ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`Secret ${secretId} is not a JSON object with purelymailToken and originVerify (infra/README.md).`);
  const field = (key: keyof AppSecret) => {
    const v = (parsed as Record<string, unknown>)[key];
    return typeof v === 'string' && v.trim() ? v.trim() : undefined;
  };
  return { purelymailToken: field('purelymailToken'), originVerify: field('originVerify') };
}

/**
 * Reads the app secret once per cold start and keeps it for the life of the execution environment; both fields
 * come from that one read. A failed read is not cached, nor is a token still at the placeholder (so a token set
 * since is picked up on the next call). Errors name the secret, never its value.
 */
export function cachedAppSecret(secrets: SecretsManagerSdk, secretId: string): { purelymailToken: () => Promise<string>; originVerify: () => Promise<string | undefined> } {
  let value: Promise<AppSecret> | undefined;
  const read = () => {
    if (!value) {
      const pending = secrets()
        .then(({ client, GetSecretValueCommand }) => client.send(new GetSecretValueCommand({ SecretId: secretId })))
        .then((out) => parseAppSecret(secretId, out.SecretString));
      // A failed read must not poison the cache for the rest of the container's life.
      pending.catch(() => {
        if (value === pending) value = undefined;
      });
      value = pending;
    }
    return value;
  };
  return {
    purelymailToken: async () => {
      const pending = read();
      const { purelymailToken } = await pending;
      if (purelymailToken && purelymailToken !== PURELYMAIL_TOKEN_PLACEHOLDER) return purelymailToken;
      if (value === pending) value = undefined;
      throw new PurelyMailTokenNotSetError(secretId);
    },
    originVerify: async () => (await read()).originVerify,
  };
}
