// TEMPORARY: the DNS plan's answer (19b's DnsPlan + 19a's applied/savedRecords) as zod, mirroring 19b's
// shared/src/schemas/dns-cutover.ts until that branch is merged here (then DnsChange comes from @app/shared).
import * as z from 'zod';

const RecordSet = z.object({ name: z.string(), type: z.string(), ttl: z.number().nullable(), values: z.array(z.string()) });
export const DnsChangeDraft = z.object({ action: z.enum(['UPSERT', 'DELETE']), name: z.string(), type: z.string(), before: RecordSet.nullable(), after: RecordSet.nullable(), replaced: z.array(z.string()) });
export type DnsChangeDraft = z.infer<typeof DnsChangeDraft>;
