import * as dnsPacket from 'dns-packet';
import type { DnsServerRecord } from './dns-server-record.ts';

const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4 } as const;
const OPCODE_QUERY = 0;
const TTL_SECONDS = 60;
const MAX_CNAME_HOPS = 8;
const TXT_STRING_MAX_BYTES = 255;

/**
 * The answer an authoritative server holding `records` gives to `query`:
 * - records of the asked type at the name, NOERROR;
 * - a CNAME at the name answers any other type with the CNAME, followed through our own records
 *   (there is no recursion to the outside world);
 * - NOERROR with no answers (NODATA) when the name exists with other types only, or is an empty
 *   non-terminal such as `_domainkey.example.com` under `purelymail1._domainkey.example.com`;
 * - NXDOMAIN when nothing exists at or below the name.
 */
export function answerQuery(query: dnsPacket.Packet, records: readonly DnsServerRecord[]): dnsPacket.Packet {
  const question = query.questions?.[0];
  if (!question) return response(query, RCODE.FORMERR, []);
  if (opcodeOf(query) !== OPCODE_QUERY) return response(query, RCODE.NOTIMP, []);

  const qname = normalize(question.name);
  const qtype = question.type.toUpperCase();
  const answers: dnsPacket.Answer[] = [];
  const visited = new Set<string>();
  let name = qname;
  let ownerName = question.name;

  for (let hop = 0; hop < MAX_CNAME_HOPS && !visited.has(name); hop++) {
    visited.add(name);
    const here = records.filter((r) => normalize(r.name) === name);
    const cname = here.find((r) => r.type === 'CNAME');
    if (cname && qtype !== 'CNAME') {
      answers.push(toAnswer(ownerName, cname));
      name = normalize(cname.value);
      ownerName = name;
      continue;
    }
    answers.push(...here.filter((r) => qtype === 'ANY' || r.type === qtype).map((r) => toAnswer(ownerName, r)));
    break;
  }

  const exists = records.some((r) => {
    const n = normalize(r.name);
    return n === qname || n.endsWith(`.${qname}`);
  });
  return response(query, answers.length === 0 && !exists ? RCODE.NXDOMAIN : RCODE.NOERROR, answers);
}

/** A reply that says the server failed, for when the records cannot be read. */
export function serverFailure(query: dnsPacket.Packet): dnsPacket.Packet {
  return response(query, RCODE.SERVFAIL, []);
}

function response(query: dnsPacket.Packet, rcode: number, answers: dnsPacket.Answer[]): dnsPacket.Packet {
  const recursionDesired = (query.flags ?? 0) & dnsPacket.RECURSION_DESIRED;
  return {
    id: query.id ?? 0,
    type: 'response',
    flags: dnsPacket.AUTHORITATIVE_ANSWER | recursionDesired | rcode,
    questions: query.questions ?? [],
    answers,
  };
}

/** The header's OPCODE field (RFC 1035 §4.1.1): 0 is a standard query. */
function opcodeOf(packet: dnsPacket.Packet): number {
  return ((packet.flags ?? 0) >> 11) & 0xf;
}

function toAnswer(name: string, record: DnsServerRecord): dnsPacket.Answer {
  const base = { name, class: 'IN', ttl: TTL_SECONDS } as const;
  switch (record.type) {
    case 'TXT':
      return { ...base, type: 'TXT', data: splitTxt(record.value) };
    case 'MX':
      return { ...base, type: 'MX', data: { preference: record.priority ?? 10, exchange: normalize(record.value) } };
    case 'CNAME':
      return { ...base, type: 'CNAME', data: normalize(record.value) };
    case 'A':
      return { ...base, type: 'A', data: record.value.trim() };
  }
}

/** One TXT value as ≤255-byte character-strings (RFC 1035 §3.3.14), split on bytes, not characters. */
export function splitTxt(value: string): Buffer[] {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length === 0) return [Buffer.alloc(0)];
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += TXT_STRING_MAX_BYTES) {
    chunks.push(bytes.subarray(offset, offset + TXT_STRING_MAX_BYTES));
  }
  return chunks;
}

function normalize(name: string): string {
  return name.trim().replace(/\.+$/, '').toLowerCase();
}
