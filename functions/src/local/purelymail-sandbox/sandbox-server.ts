import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONTROL_PREFIX, handleControl } from './control-routes.ts';
import type { SandboxFaultInput } from './fault-queue.ts';
import { isLoopback, parseJson, readBody, sendJson, sendText } from './http-io.ts';
import type { SandboxRequestLogEntry } from './request-log.ts';
import { resolveBehaviour, type SandboxBehaviour, type SandboxBehaviourOverrides } from './sandbox-behaviour.ts';
import { SandboxCore } from './sandbox-core.ts';
import type { SandboxDns } from './sandbox-dns.ts';
import { emptyState, seedState } from './sandbox-seed.ts';
import type { SandboxState } from './sandbox-state.ts';
import { loadStateFile } from './state-file.ts';
import { isWireOperation, type WireOperation } from './wire-requests.ts';

export interface SandboxOptions {
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. The control API refuses non-loopback peers whatever the host. */
  host?: string;
  /** The Purelymail-Api-Token the sandbox accepts. */
  token: string;
  /** Persist state as JSON here after every change, and load it on start when present. */
  statePath?: string;
  /** Seed demo data when there is no saved state. Default true. */
  seed?: boolean;
  /** Answers for the cases nobody has recorded from real PurelyMail. */
  behaviour?: SandboxBehaviourOverrides;
}

export interface Sandbox {
  /** e.g. "http://127.0.0.1:8788"; use as the client's baseUrl. */
  readonly url: string;
  readonly token: string;
  /** A copy of the current state (secrets only as hashes). */
  readonly state: SandboxState;
  /** The simulated public DNS (list, lookup, replaceZone). */
  readonly dns: SandboxDns;
  /** Live switches; tests may change them. */
  readonly behaviour: SandboxBehaviour;
  requests(): SandboxRequestLogEntry[];
  clearRequests(): void;
  injectFault(fault: SandboxFaultInput): void;
  clearFaults(): void;
  setCredit(credit: string): void;
  /** Back to the seed (or an empty account), clearing the request log and faults. */
  reset(opts?: { seed?: boolean }): void;
  /** Recompute every domain's dnsSummary, as PurelyMail's periodic check would. */
  recheckAllDns(): void;
  verifyPassword(address: string, password: string): boolean;
  verifyAppPassword(address: string, appPassword: string): boolean;
  close(): Promise<void>;
}

const API_PATH = /^\/api\/v0\/([^/]+)$/;

function tokenMatches(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Starts a local PurelyMail: POST /api/v0/<op> with the real envelopes, plus /__sandbox/ controls.
 *
 * @example
 * const sandbox = await startSandbox({ token: 'sandbox-token' });
 * const pm = new PurelyMailHttpClient({ baseUrl: sandbox.url, token: sandbox.token });
 */
export async function startSandbox(opts: SandboxOptions): Promise<Sandbox> {
  const seed = opts.seed ?? true;
  const saved = opts.statePath ? loadStateFile(opts.statePath) : undefined;
  const core = new SandboxCore(saved ?? (seed ? seedState() : emptyState()), resolveBehaviour(opts.behaviour), opts.statePath, seed);
  if (!saved) core.save();
  const timers = new Set<NodeJS.Timeout>();
  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  async function handleApi(req: IncomingMessage, res: ServerResponse, op: WireOperation): Promise<void> {
    const body = parseJson(await readBody(req));
    const tokenHeader = req.headers['purelymail-api-token'];
    const tokenValid = tokenMatches(tokenHeader, opts.token);
    core.log.record({ op, tokenPresent: tokenHeader !== undefined, tokenValid, body });

    const fault = core.faults.take(op);
    if (fault?.delayMs) await delay(fault.delayMs);
    if (fault?.drop) {
      req.socket.destroy();
      return;
    }
    if (fault?.status !== undefined) {
      const headers: Record<string, string> = fault.retryAfter === undefined ? {} : { 'Retry-After': fault.retryAfter };
      return sendText(res, fault.status, fault.body ?? 'Service Unavailable', headers);
    }

    if (!tokenValid) {
      return sendJson(res, core.behaviour.invalidTokenStatus, { type: 'error', code: core.behaviour.errorCodes.invalidToken, message: 'Token not valid.' });
    }
    // Business errors come with HTTP 200 (reference §1.4).
    const outcome = core.apply(op, body);
    if (fault?.holdAnswerMs) {
      await delay(fault.holdAnswerMs);
      if (req.socket.destroyed) return;
    }
    sendJson(res, 200, outcome);
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
    const handle = async () => {
      if (path.startsWith(CONTROL_PREFIX)) {
        if (!isLoopback(req.socket.remoteAddress)) return sendText(res, 404, 'Not Found');
        return handleControl(core, req, res, path);
      }
      const op = API_PATH.exec(path)?.[1];
      if (op === undefined || req.method !== 'POST' || !isWireOperation(op)) return sendText(res, 404, 'Not Found');
      return handleApi(req, res, op);
    };
    handle().catch(() => {
      if (!res.headersSent) sendText(res, 500, 'Internal Server Error');
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    token: opts.token,
    get state() {
      return structuredClone(core.state);
    },
    dns: core.dns,
    behaviour: core.behaviour,
    requests: () => core.log.list(),
    clearRequests: () => core.log.clear(),
    injectFault: (fault) => core.faults.add(fault),
    clearFaults: () => core.faults.clear(),
    setCredit: (credit) => core.setCredit(credit),
    reset: (resetOpts) => core.reset(resetOpts?.seed),
    recheckAllDns: () => core.recheckAllDns(),
    verifyPassword: (a, p) => core.verifyPassword(a, p),
    verifyAppPassword: (a, p) => core.verifyAppPassword(a, p),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
