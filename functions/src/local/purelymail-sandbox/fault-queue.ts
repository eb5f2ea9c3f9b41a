import * as z from 'zod';

/**
 * An injected failure for retry and timeout tests. Applies to the next `count` API requests (for
 * `op`, or any op): wait `delayMs`, then answer `status` (with `body` and `retryAfter`), or drop the
 * connection, or, with neither, answer normally. `holdAnswerMs` carries the request out first and then
 * holds its answer back that long: a write that took effect while its answer was lost. `after` lets that many
 * matching requests through first (the 37th createUser of an import fails: `after: 36`).
 */
export const SandboxFault = z.object({
  op: z.string().optional(),
  status: z.number().int().min(100).max(599).optional(),
  delayMs: z.number().int().min(0).max(120_000).optional(),
  count: z.number().int().positive().default(1),
  retryAfter: z.string().optional(),
  body: z.string().optional(),
  drop: z.boolean().optional(),
  holdAnswerMs: z.number().int().min(0).max(120_000).optional(),
  after: z.number().int().min(0).default(0),
});
export type SandboxFault = z.infer<typeof SandboxFault>;
export type SandboxFaultInput = z.input<typeof SandboxFault>;

export class FaultQueue {
  #faults: SandboxFault[] = [];

  add(fault: SandboxFaultInput): void {
    this.#faults.push(SandboxFault.parse(fault));
  }

  /** Takes one use of the first fault matching `op`. */
  take(op: string): SandboxFault | undefined {
    const index = this.#faults.findIndex((f) => f.op === undefined || f.op === op);
    const fault = this.#faults[index];
    if (!fault) return undefined;
    if (fault.after > 0) {
      fault.after -= 1;
      return undefined;
    }
    fault.count -= 1;
    if (fault.count <= 0) this.#faults.splice(index, 1);
    return fault;
  }

  list(): SandboxFault[] {
    return this.#faults.map((f) => ({ ...f }));
  }

  clear(): void {
    this.#faults = [];
  }
}
