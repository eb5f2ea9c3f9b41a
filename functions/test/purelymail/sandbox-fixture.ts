import { PurelyMailHttpClient, type PurelyMailHttpClientOptions } from '../../src/adapters/purelymail/purelymail-http-client.ts';
import type { SandboxRequestLogEntry } from '../../src/local/purelymail-sandbox/request-log.ts';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/local/purelymail-sandbox/sandbox-server.ts';

export const TEST_TOKEN = 'pm-live-0f4c2d6e-test-token-never-logged';

export interface SandboxFixture {
  sandbox: Sandbox;
  client: PurelyMailHttpClient;
  /** The API requests the sandbox received, read over its HTTP control API. */
  sent(): Promise<SandboxRequestLogEntry[]>;
  clearSent(): Promise<void>;
  control(method: string, path: string, body?: unknown): Promise<Response>;
  /** A raw API call, bypassing the client's checks. */
  raw(op: string, body: unknown, token?: string | null): Promise<{ status: number; json: unknown }>;
}

export async function startFixture(
  sandboxOpts: Partial<SandboxOptions> = {},
  clientOpts: Partial<PurelyMailHttpClientOptions> = {},
): Promise<SandboxFixture> {
  const sandbox = await startSandbox({ token: TEST_TOKEN, ...sandboxOpts });
  const client = new PurelyMailHttpClient({ baseUrl: sandbox.url, token: TEST_TOKEN, sleep: async () => {}, ...clientOpts });
  const control = (method: string, path: string, body?: unknown) =>
    fetch(`${sandbox.url}/__sandbox/${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return {
    sandbox,
    client,
    control,
    sent: async () => ((await (await control('GET', 'requests')).json()) as { requests: SandboxRequestLogEntry[] }).requests,
    clearSent: async () => {
      await control('DELETE', 'requests');
    },
    raw: async (op, body, token = TEST_TOKEN) => {
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (token !== null) headers['Purelymail-Api-Token'] = token;
      const res = await fetch(`${sandbox.url}/api/v0/${op}`, { method: 'POST', headers, body: JSON.stringify(body) });
      const text = await res.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
      return { status: res.status, json };
    },
  };
}
