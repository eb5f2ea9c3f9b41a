import { recheckAllDomains } from './domain-operations.ts';
import { FaultQueue } from './fault-queue.ts';
import { RequestLog } from './request-log.ts';
import { SandboxApiError } from './sandbox-api-error.ts';
import type { SandboxBehaviour } from './sandbox-behaviour.ts';
import { hashSecret, type SandboxContext } from './sandbox-context.ts';
import { SandboxDns } from './sandbox-dns.ts';
import { SANDBOX_OPERATIONS } from './sandbox-operations.ts';
import { emptyState, seedState } from './sandbox-seed.ts';
import type { SandboxState } from './sandbox-state.ts';
import { saveStateFile } from './state-file.ts';
import { WIRE_REQUESTS, type WireOperation } from './wire-requests.ts';

export type OperationOutcome = { type: 'success'; result: object } | { type: 'error'; code: string; message: string };

/** The sandbox without HTTP: state, simulated DNS, behaviour switches, request log, faults. */
export class SandboxCore {
  state: SandboxState;
  readonly dns: SandboxDns;
  readonly log = new RequestLog();
  readonly faults = new FaultQueue();

  constructor(
    initial: SandboxState,
    readonly behaviour: SandboxBehaviour,
    private readonly statePath: string | undefined,
    private readonly seed: boolean,
  ) {
    this.state = initial;
    this.dns = new SandboxDns(() => this.state, () => this.save());
  }

  /** Runs one wire operation on a parsed JSON body; unknown fields are ignored like PurelyMail does. */
  apply(op: WireOperation, body: unknown): OperationOutcome {
    const codes = this.behaviour.errorCodes;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return { type: 'error', code: codes.invalidRequest, message: 'Request body must be a JSON object' };
    }
    const parsed = WIRE_REQUESTS[op].safeParse(body);
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.')))].join(', ');
      return { type: 'error', code: codes.invalidRequest, message: `Invalid request: missing or invalid ${fields}` };
    }
    const entry = SANDBOX_OPERATIONS[op] as { handler: (ctx: SandboxContext, req: unknown) => object; read: boolean };
    // Handlers mutate a draft, so an error half-way leaves the real state untouched.
    const draft = structuredClone(this.state);
    try {
      const result = entry.handler({ state: draft, dns: this.dns, behaviour: this.behaviour }, parsed.data);
      if (!entry.read) {
        this.state = draft;
        this.save();
      }
      return { type: 'success', result };
    } catch (error) {
      if (error instanceof SandboxApiError) return { type: 'error', code: error.code, message: error.message };
      throw error;
    }
  }

  reset(seed = this.seed): void {
    this.state = seed ? seedState() : emptyState();
    this.log.clear();
    this.faults.clear();
    this.save();
  }

  setCredit(credit: string): void {
    this.state.credit = credit;
    this.save();
  }

  /** PurelyMail's periodic DNS check for every domain (the API only does it on recheckDns). */
  recheckAllDns(): void {
    recheckAllDomains({ state: this.state, dns: this.dns, behaviour: this.behaviour });
    this.save();
  }

  verifyPassword(address: string, password: string): boolean {
    const user = this.state.users[address.toLowerCase()];
    return user !== undefined && user.passwordHash === hashSecret(password);
  }

  verifyAppPassword(address: string, appPassword: string): boolean {
    const user = this.state.users[address.toLowerCase()];
    return user !== undefined && user.appPasswords.some((p) => p.hash === hashSecret(appPassword));
  }

  save(): void {
    if (this.statePath) saveStateFile(this.statePath, this.state);
  }
}
