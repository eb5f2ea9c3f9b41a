import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod';
import { isDecimal } from '@app/shared/money';
import { SandboxFault } from './fault-queue.ts';
import { parseJson, readBody, sendJson } from './http-io.ts';
import type { SandboxCore } from './sandbox-core.ts';
import { SandboxDnsRecord } from './sandbox-dns-record.ts';

export const CONTROL_PREFIX = '/__sandbox/';

const ZoneBody = z.union([z.array(SandboxDnsRecord), z.object({ records: z.array(SandboxDnsRecord) }).transform((b) => b.records)]);
const CreditBody = z.object({ credit: z.string().refine(isDecimal, 'must be a decimal string') });
const ResetBody = z.object({ seed: z.boolean().optional() }).optional();

/**
 * Test and demo controls (no token; the server refuses them from non-loopback peers):
 * GET state · GET dns · GET dns/<zone> · PUT dns/<zone> · POST dns-check · POST reset · GET|DELETE requests ·
 * GET|POST|DELETE faults · POST credit
 */
export async function handleControl(core: SandboxCore, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const route = `${req.method ?? ''} ${path.slice(CONTROL_PREFIX.length)}`;
  const body = () => readBody(req).then(parseJson);
  const invalid = (error: z.ZodError) => sendJson(res, 400, { error: 'invalid body', issues: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });

  if (route === 'GET state') return sendJson(res, 200, core.state);
  if (route === 'GET dns') return sendJson(res, 200, { records: core.dns.list() });
  const zoneToRead = /^GET dns\/([^/]+)$/.exec(route)?.[1];
  if (zoneToRead !== undefined) return sendJson(res, 200, { records: core.dns.zone(decodeURIComponent(zoneToRead)) });
  const zone = /^PUT dns\/([^/]+)$/.exec(route)?.[1];
  if (zone !== undefined) {
    const parsed = ZoneBody.safeParse(await body());
    if (!parsed.success) return invalid(parsed.error);
    return sendJson(res, 200, { records: core.dns.replaceZone(decodeURIComponent(zone), parsed.data) });
  }
  if (route === 'POST dns-check') {
    core.recheckAllDns();
    return sendJson(res, 200, { domains: core.state.domains });
  }
  if (route === 'POST reset') {
    const parsed = ResetBody.safeParse(await body());
    if (!parsed.success) return invalid(parsed.error);
    core.reset(parsed.data?.seed);
    return sendJson(res, 200, { ok: true });
  }
  if (route === 'GET requests') return sendJson(res, 200, { requests: core.log.list() });
  if (route === 'DELETE requests') {
    core.log.clear();
    return sendJson(res, 200, { ok: true });
  }
  if (route === 'GET faults') return sendJson(res, 200, { faults: core.faults.list() });
  if (route === 'POST faults') {
    const parsed = SandboxFault.safeParse(await body());
    if (!parsed.success) return invalid(parsed.error);
    core.faults.add(parsed.data);
    return sendJson(res, 200, { faults: core.faults.list() });
  }
  if (route === 'DELETE faults') {
    core.faults.clear();
    return sendJson(res, 200, { ok: true });
  }
  if (route === 'POST credit') {
    const parsed = CreditBody.safeParse(await body());
    if (!parsed.success) return invalid(parsed.error);
    core.setCredit(parsed.data.credit);
    return sendJson(res, 200, { credit: core.state.credit });
  }
  return sendJson(res, 404, { error: 'unknown sandbox control route' });
}
