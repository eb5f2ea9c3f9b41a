import type * as z from 'zod';
import type { Logger } from '../../platform/logger.ts';
import type { PurelyMail } from '../../modules/purelymail/ports.ts';
import {
  PurelyMailApiError,
  PurelyMailRequestInvalidError,
  PurelyMailUnavailableError,
  type PurelyMailUnavailableReason,
} from '../../modules/purelymail/errors.ts';
import {
  PURELYMAIL_OPERATIONS,
  type AddDomainRequest,
  type CheckAccountCreditResult,
  type CreateAppPasswordRequest,
  type CreateAppPasswordResult,
  type CreateRoutingRuleRequest,
  type CreateUserRequest,
  type DeleteAppPasswordRequest,
  type DeleteDomainRequest,
  type DeletePasswordResetRequest,
  type DeleteRoutingRuleRequest,
  type DeleteUserRequest,
  type GetOwnershipCodeResult,
  type ListedItems,
  type GetUserRequest,
  type GetUserResult,
  type ListDomainsRequest,
  type ListDomainsResult,
  type ListPasswordResetRequest,
  type ListPasswordResetResult,
  type ListRoutingRulesResult,
  type ListUserResult,
  type ModifyUserRequest,
  type OperationRequest,
  type OperationResult,
  type PurelyMailOperation,
  type UpdateDomainSettingsRequest,
  type UpsertPasswordResetRequest,
} from '../../modules/purelymail/purelymail-types.ts';
import { backoffDelay, isRetryableStatus, parseRetryAfter } from './retry-policy.ts';

export const TOKEN_HEADER = 'Purelymail-Api-Token';

/** How one HTTP attempt ended, reported to `onRequest` (for metrics and logs; carries no payload). */
export type PurelyMailRequestOutcome = 'success' | 'api-error' | PurelyMailUnavailableReason;

export interface PurelyMailHttpClientOptions {
  /** e.g. "https://purelymail.com" or the sandbox URL; `/api/v0/<op>` is appended. */
  baseUrl: string;
  /** The API token, or a provider called once and cached (e.g. a Secrets Manager read). */
  token: string | (() => Promise<string>);
  /** Per attempt, including reading the body. Default 10 000. */
  timeoutMs?: number;
  /** Extra attempts for read operations only. Default 3. */
  maxRetries?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Uniform in [0, 1); drives the backoff jitter. */
  random?: () => number;
  /** Called after every HTTP attempt (so retries show up). */
  onRequest?: (operation: PurelyMailOperation, ms: number, outcome: PurelyMailRequestOutcome) => void;
  /** Where a list item that could not be read is reported (once per operation and field, never with its value). */
  logger?: Pick<Logger, 'warn'>;
}

/** The documented envelope plus the older bare `{result}` form from the spec (§1.4); any field may be odd. */
type Envelope = { type?: unknown; result?: unknown; code?: unknown; message?: unknown };

type Attempt<T> =
  | { ok: true; value: T }
  | { ok: false; error: Error; retryable: boolean; retryAfterMs?: number | undefined };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * PurelyMail over HTTP. Requests are checked against strict schemas before sending and results
 * after receiving. Read operations are retried on network errors, timeouts, 429 and 5xx with full
 * jitter backoff (honouring Retry-After); writes are never retried, since a lost answer may hide a
 * success and PurelyMail has no idempotency keys.
 *
 * @example
 * const pm = new PurelyMailHttpClient({ baseUrl: 'https://purelymail.com', token: () => secrets.read() });
 * const { users } = await pm.listUser();
 */
export class PurelyMailHttpClient implements PurelyMail {
  readonly #baseUrl: string;
  readonly #tokenSource: string | (() => Promise<string>);
  #token: Promise<string> | undefined;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #fetch: typeof fetch;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;
  readonly #onRequest: PurelyMailHttpClientOptions['onRequest'];
  readonly #logger: PurelyMailHttpClientOptions['logger'];
  /** "operation field" pairs already logged as unreadable: each is logged once per client (process). */
  readonly #loggedUnreadable = new Set<string>();

  constructor(opts: PurelyMailHttpClientOptions) {
    this.#baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.#tokenSource = opts.token;
    this.#timeoutMs = opts.timeoutMs ?? 10_000;
    this.#maxRetries = opts.maxRetries ?? 3;
    this.#fetch = opts.fetch ?? globalThis.fetch;
    this.#sleep = opts.sleep ?? defaultSleep;
    this.#random = opts.random ?? Math.random;
    this.#onRequest = opts.onRequest;
    this.#logger = opts.logger;
  }

  async createUser(input: CreateUserRequest): Promise<void> {
    await this.#call('createUser', input);
  }
  async deleteUser(input: DeleteUserRequest): Promise<void> {
    await this.#call('deleteUser', input);
  }
  listUser(): Promise<ListUserResult> {
    return this.#call('listUser', {});
  }
  async modifyUser(input: ModifyUserRequest): Promise<void> {
    await this.#call('modifyUser', input);
  }
  getUser(input: GetUserRequest): Promise<GetUserResult> {
    return this.#call('getUser', input);
  }
  async upsertPasswordReset(input: UpsertPasswordResetRequest): Promise<void> {
    await this.#call('upsertPasswordReset', input);
  }
  async deletePasswordReset(input: DeletePasswordResetRequest): Promise<void> {
    await this.#call('deletePasswordReset', input);
  }
  listPasswordReset(input: ListPasswordResetRequest): Promise<ListPasswordResetResult> {
    return this.#call('listPasswordReset', input);
  }
  async createRoutingRule(input: CreateRoutingRuleRequest): Promise<void> {
    await this.#call('createRoutingRule', input);
  }
  async deleteRoutingRule(input: DeleteRoutingRuleRequest): Promise<void> {
    await this.#call('deleteRoutingRule', input);
  }
  listRoutingRules(): Promise<ListRoutingRulesResult> {
    return this.#call('listRoutingRules', {});
  }
  async addDomain(input: AddDomainRequest): Promise<void> {
    await this.#call('addDomain', input);
  }
  getOwnershipCode(): Promise<GetOwnershipCodeResult> {
    return this.#call('getOwnershipCode', {});
  }
  listDomains(input: ListDomainsRequest = {}): Promise<ListDomainsResult> {
    return this.#call('listDomains', input);
  }
  async updateDomainSettings(input: UpdateDomainSettingsRequest): Promise<void> {
    await this.#call('updateDomainSettings', input);
  }
  async deleteDomain(input: DeleteDomainRequest): Promise<void> {
    await this.#call('deleteDomain', input);
  }
  createAppPassword(input: CreateAppPasswordRequest): Promise<CreateAppPasswordResult> {
    return this.#call('createAppPassword', input);
  }
  async deleteAppPassword(input: DeleteAppPasswordRequest): Promise<void> {
    await this.#call('deleteAppPassword', input);
  }
  checkAccountCredit(): Promise<CheckAccountCreditResult> {
    return this.#call('checkAccountCredit', {});
  }

  async #call<Op extends PurelyMailOperation>(op: Op, input: OperationRequest<Op>): Promise<OperationResult<Op>> {
    const spec = PURELYMAIL_OPERATIONS[op];
    const parsed = spec.request.safeParse(input);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((issue) => [...issue.path, ...('keys' in issue ? issue.keys : [])].join('.'));
      throw new PurelyMailRequestInvalidError(op, fields, { cause: parsed.error });
    }
    const body = JSON.stringify(parsed.data);
    const attempts = spec.read ? this.#maxRetries + 1 : 1;
    for (let attempt = 0; ; attempt++) {
      const items = 'items' in spec ? (spec.items as ListedItems) : undefined;
      const outcome = await this.#attempt(op, body, spec.result as unknown as z.ZodType<OperationResult<Op>>, items);
      if (outcome.ok) return outcome.value;
      if (!outcome.retryable || attempt + 1 >= attempts) throw outcome.error;
      await this.#sleep(outcome.retryAfterMs ?? backoffDelay(attempt, this.#random));
    }
  }

  async #attempt<T>(op: PurelyMailOperation, body: string, resultSchema: z.ZodType<T>, items: ListedItems | undefined): Promise<Attempt<T>> {
    const started = performance.now();
    const report = <A extends Attempt<T>>(attempt: A, outcome: PurelyMailRequestOutcome): A => {
      this.#onRequest?.(op, Math.round(performance.now() - started), outcome);
      return attempt;
    };
    const unavailable = (reason: PurelyMailUnavailableReason, status?: number, cause?: unknown, retryAfterMs?: number) =>
      report(
        {
          ok: false,
          error: new PurelyMailUnavailableError(op, reason, status, cause === undefined ? undefined : { cause }),
          retryable: reason === 'network' || reason === 'timeout' || (status !== undefined && isRetryableStatus(status)),
          retryAfterMs,
        },
        reason,
      );

    const token = await this.#readToken();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#timeoutMs);
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      const response = await this.#fetch(`${this.#baseUrl}/api/v0/${op}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', [TOKEN_HEADER]: token },
        body,
        signal: controller.signal,
      });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      text = await response.text();
    } catch (error) {
      return unavailable(controller.signal.aborted ? 'timeout' : 'network', undefined, error);
    } finally {
      clearTimeout(timer);
    }

    const envelope = parseEnvelope(text);
    const is2xx = status >= 200 && status < 300;
    // A `type:"error"` envelope, or one with no result that carries a code or a message: a 200 saying
    // `{"message": …}` for an operation that returns nothing is a refusal, not a success.
    const isError =
      envelope !== undefined &&
      (envelope.type === 'error' || (envelope.result === undefined && envelope.type !== 'success' && (envelope.code !== undefined || envelope.message !== undefined)));
    // A 5xx or 429 is an outage even if it carries an envelope; other statuses with an error envelope are business errors.
    if (isError && (is2xx || !isRetryableStatus(status))) {
      const code = codeText(envelope.code);
      if (code === 'invalidToken' && typeof this.#tokenSource === 'function') this.#token = undefined; // pick up a rotated token next time
      return report({ ok: false, error: new PurelyMailApiError(op, code, messageText(envelope.message)), retryable: false }, 'api-error');
    }
    if (!is2xx) return unavailable('http', status, undefined, parseRetryAfter(retryAfter, Date.now()));
    if (envelope === undefined || (envelope.type !== undefined && envelope.type !== 'success')) {
      return unavailable('protocol', status);
    }
    // Void operations may omit `result` entirely (§1.4).
    const { value, unreadable } = this.#keepReadableItems(op, envelope.result ?? {}, items);
    const result = resultSchema.safeParse(value);
    if (!result.success) return unavailable('protocol', status, result.error);
    const data = unreadable > 0 ? ({ ...(result.data as object), unreadable } as T) : result.data;
    return report({ ok: true, value: data }, 'success');
  }

  /**
   * Reads a result's list item by item: an item that does not fit is left out and counted, and logged once per
   * operation and field (with the field's path and zod's complaint, never the value). A list that is not an
   * array at all is left for the result schema to refuse (the answer as a whole is not the protocol).
   */
  #keepReadableItems(op: PurelyMailOperation, result: unknown, items: ListedItems | undefined): { value: unknown; unreadable: number } {
    if (!items || typeof result !== 'object' || result === null) return { value: result, unreadable: 0 };
    const list = (result as Record<string, unknown>)[items.key];
    if (!Array.isArray(list)) return { value: result, unreadable: 0 };
    const kept: unknown[] = [];
    list.forEach((item, index) => {
      const parsed = items.item.safeParse(item);
      if (parsed.success) return kept.push(item);
      const issue = parsed.error.issues[0];
      const path = issue?.path.length ? `.${issue.path.join('.')}` : '';
      const key = `${op} ${items.key}[]${path}`;
      if (this.#loggedUnreadable.has(key)) return;
      this.#loggedUnreadable.add(key);
      this.#logger?.warn('PurelyMail returned a list item that could not be read; it is left out', {
        operation: op,
        field: `${items.key}[${index}]${path}`,
        problem: issue?.message ?? 'does not fit',
      });
    });
    return { value: { ...result, [items.key]: kept }, unreadable: list.length - kept.length };
  }

  #readToken(): Promise<string> {
    if (typeof this.#tokenSource === 'string') return Promise.resolve(this.#tokenSource);
    if (!this.#token) {
      const pending = this.#tokenSource();
      // A failed read must not be cached, or one blip would break every later call.
      pending.catch(() => {
        if (this.#token === pending) this.#token = undefined;
      });
      this.#token = pending;
    }
    return this.#token;
  }
}

function parseEnvelope(text: string): Envelope | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Envelope) : undefined;
  } catch {
    return undefined;
  }
}

/** An error code as text, whatever JSON type PurelyMail used; "unknown" when there is none. */
function codeText(code: unknown): string {
  if (typeof code === 'string' && code.trim()) return code.trim();
  if (typeof code === 'number' || typeof code === 'boolean') return String(code);
  return 'unknown';
}

/** An error message as PurelyMail sent it, shown to admins as is (a non-string is shown as its JSON, shortened). */
function messageText(message: unknown): string {
  if (typeof message === 'string') return message;
  if (message === undefined || message === null) return 'no reason given';
  const json = JSON.stringify(message);
  return json.length > 300 ? `${json.slice(0, 297)}...` : json;
}
