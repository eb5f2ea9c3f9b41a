import * as dgram from 'node:dgram';
import * as net from 'node:net';
import * as dnsPacket from 'dns-packet';

/** A bare DNS client, so server tests can see rcodes, flags and TXT strings that c-ares hides. */
function queryPacket(name: string, type: string, edns: boolean): dnsPacket.Packet {
  return {
    id: 4242,
    type: 'query',
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type, class: 'IN' }],
    additionals: edns ? [{ name: '.', type: 'OPT', udpPayloadSize: 4096 }] : [],
  };
}

export function queryUdp(port: number, name: string, type: string, edns = false): Promise<dnsPacket.Packet> {
  const socket = dgram.createSocket('udp4');
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('message', (message) => {
      socket.close();
      resolve(dnsPacket.decode(message));
    });
    socket.send(dnsPacket.encode(queryPacket(name, type, edns)), port, '127.0.0.1');
  });
}

export function queryTcp(port: number, name: string, type: string): Promise<dnsPacket.Packet> {
  const socket = net.connect(port, '127.0.0.1');
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    socket.once('error', reject);
    socket.on('data', (data) => {
      received = Buffer.concat([received, data]);
      if (received.length >= 2 && received.length >= 2 + received.readUInt16BE(0)) {
        socket.destroy();
        resolve(dnsPacket.streamDecode(received));
      }
    });
    socket.write(dnsPacket.streamEncode(queryPacket(name, type, false)));
  });
}
