import * as dgram from 'node:dgram';
import * as net from 'node:net';
import * as dnsPacket from 'dns-packet';

/** A decoded reply. dns-packet also sets `rcode`, which @types/dns-packet 5.6.5 does not declare. */
export type Reply = dnsPacket.DecodedPacket & { rcode: string };

/** A bare DNS client, so server tests can see rcodes, flags and TXT strings that c-ares hides. */
function queryPacket(name: string, type: dnsPacket.RecordType, edns: boolean): dnsPacket.Packet {
  return {
    id: 4242,
    type: 'query',
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type, class: 'IN' }],
    additionals: edns ? [{ name: '.', type: 'OPT', udpPayloadSize: 4096, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }] : [],
  };
}

export function queryUdp(port: number, name: string, type: dnsPacket.RecordType, edns = false): Promise<Reply> {
  const socket = dgram.createSocket('udp4');
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('message', (message) => {
      socket.close();
      resolve(dnsPacket.decode(message) as Reply);
    });
    socket.send(dnsPacket.encode(queryPacket(name, type, edns)), port, '127.0.0.1');
  });
}

export function queryTcp(port: number, name: string, type: dnsPacket.RecordType): Promise<Reply> {
  const socket = net.connect(port, '127.0.0.1');
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    socket.once('error', reject);
    socket.on('data', (data) => {
      received = Buffer.concat([received, data]);
      if (received.length >= 2 && received.length >= 2 + received.readUInt16BE(0)) {
        socket.destroy();
        // streamDecode decodes as decode does; its declared type is the plainer Packet.
        resolve(dnsPacket.streamDecode(received) as Reply);
      }
    });
    socket.write(dnsPacket.streamEncode(queryPacket(name, type, false)));
  });
}

/** The character-strings of the reply's first answer, which must be a TXT record (decoded as buffers). */
export function txtStrings(reply: Reply): Buffer[] {
  const answer = reply.answers?.[0];
  if (answer?.type !== 'TXT') throw new Error(`expected a TXT answer, got ${answer?.type ?? 'none'}`);
  return answer.data as Buffer[];
}
