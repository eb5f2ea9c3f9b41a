import * as dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { answerQuery } from './answer-query.ts';

const records = [{ name: 'example.com', type: 'A' as const, value: '192.0.2.10' }];
/** The reply as a client decodes it (dns-packet sets `rcode`; @types/dns-packet 5.6.5 does not declare it). */
const roundTrip = (packet: dnsPacket.Packet) => dnsPacket.decode(dnsPacket.encode(packet)) as dnsPacket.DecodedPacket & { rcode: string };
const query = (flags: number, questions: dnsPacket.Question[] = [{ name: 'example.com', type: 'A', class: 'IN' }]) => dnsPacket.decode(dnsPacket.encode({ id: 7, type: 'query', flags, questions }));

describe('answerQuery', () => {
  it('answers a standard query, and refuses other opcodes (NOTIFY, UPDATE) with NOTIMP', () => {
    expect(roundTrip(answerQuery(query(dnsPacket.RECURSION_DESIRED), records))).toMatchObject({ id: 7, rcode: 'NOERROR', flag_aa: true, flag_rd: true, answers: [{ type: 'A', data: '192.0.2.10' }] });
    for (const opcode of [4, 5]) expect(roundTrip(answerQuery(query(opcode << 11), records))).toMatchObject({ id: 7, rcode: 'NOTIMP', answers: [] });
  });

  it('answers FORMERR to a query without a question', () => {
    expect(roundTrip(answerQuery(query(0, []), records))).toMatchObject({ rcode: 'FORMERR', answers: [] });
  });
});
