import { SECRET_FIELDS } from './wire-requests.ts';

/** One API request as received: the token is never kept, secret body fields are replaced. */
export interface SandboxRequestLogEntry {
  seq: number;
  at: string;
  op: string;
  tokenPresent: boolean;
  tokenValid: boolean;
  /** The parsed JSON body (undefined if it was not JSON), with secret values replaced by REDACTED. */
  body: unknown;
}

export const REDACTED = '[redacted]';
const MAX_ENTRIES = 2_000;

function redact(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const field of SECRET_FIELDS) if (field in copy) copy[field] = REDACTED;
  return copy;
}

export class RequestLog {
  #entries: SandboxRequestLogEntry[] = [];
  #seq = 0;

  record(entry: Omit<SandboxRequestLogEntry, 'seq' | 'at' | 'body'> & { body: unknown }): void {
    this.#seq += 1;
    this.#entries.push({ ...entry, seq: this.#seq, at: new Date().toISOString(), body: redact(entry.body) });
    if (this.#entries.length > MAX_ENTRIES) this.#entries.splice(0, this.#entries.length - MAX_ENTRIES);
  }

  list(): SandboxRequestLogEntry[] {
    return this.#entries.map((e) => ({ ...e }));
  }

  clear(): void {
    this.#entries = [];
  }
}
