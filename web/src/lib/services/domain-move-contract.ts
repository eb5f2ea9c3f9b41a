// TEMPORARY: the DNS plan's shape from notes/design-19.md (19b's `plan`), until a shared schema for it lands
// (then this file goes and the import points at @app/shared).
import * as z from 'zod';

export const DomainMoveRecord = z.object({ kind: z.string(), host: z.string(), type: z.string(), value: z.string(), priority: z.number().optional() });
export const DomainMoveDnsChange = z.object({ action: z.string(), name: z.string(), type: z.string(), ttl: z.number().optional(), values: z.array(z.string()) });
export const DomainMoveDnsPlan = z.object({
  bind: z.string(),
  records: z.array(DomainMoveRecord),
  provider: z.object({ kind: z.enum(['route53', 'sandbox']), zone: z.string() }).nullable(),
  changeSet: z.array(DomainMoveDnsChange).nullable(),
});
export type DomainMoveDnsPlan = z.infer<typeof DomainMoveDnsPlan>;
