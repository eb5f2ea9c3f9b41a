import { describe, expect, it } from 'vitest';
import { ConfigError } from '@app/functions/worker';
import { standInPinnedHosts, workerImapPolicy } from '../../src/imap-target-policy.ts';

const local = { ALLOW_PRIVATE_IMAP_HOSTS: true, MASTER_KEY_FILE: '/d/master.key', DYNAMODB_SOCKET: '/d/dynamodb.sock' };

describe('workerImapPolicy: loopback and private servers only for the local worker', () => {
  it('locally (key file + dynalite), ALLOW_PRIVATE_IMAP_HOSTS allows private addresses and any port', () => {
    expect(workerImapPolicy(local, {})).toEqual({ allowPrivate: true, allowedPorts: 'any' });
  });

  it('off: public addresses on 143/993 only', () => {
    expect(workerImapPolicy({ ALLOW_PRIVATE_IMAP_HOSTS: false }, { ECS_CONTAINER_METADATA_URI_V4: 'http://169.254.170.2/v4/x' })).toEqual({ allowPrivate: false, allowedPorts: [143, 993] });
  });

  it('off, with the extra ports the deployment opens (MIGRATION_EXTRA_IMAP_PORTS, as the task definition sets it)', () => {
    expect(workerImapPolicy({ ALLOW_PRIVATE_IMAP_HOSTS: false, MIGRATION_EXTRA_IMAP_PORTS: [1143] }, {})).toEqual({ allowPrivate: false, allowedPorts: [143, 993, 1143] });
  });

  it.each(['ECS_CONTAINER_METADATA_URI_V4', 'ECS_CONTAINER_METADATA_URI', 'AWS_EXECUTION_ENV'])('refuses to start on AWS (%s set), naming the variable', (marker) => {
    expect(() => workerImapPolicy(local, { [marker]: 'x' })).toThrow(ConfigError);
    expect(() => workerImapPolicy(local, { [marker]: 'x' })).toThrow(`ALLOW_PRIVATE_IMAP_HOSTS: not allowed on AWS (${marker} is set)`);
  });

  it('refuses without the local opener and dynalite (a KMS worker is an AWS worker)', () => {
    expect(() => workerImapPolicy({ ALLOW_PRIVATE_IMAP_HOSTS: true, DYNAMODB_SOCKET: '/x.sock' }, {})).toThrow(/only for the local worker/);
    expect(() => workerImapPolicy({ ALLOW_PRIVATE_IMAP_HOSTS: true, MASTER_KEY_FILE: '/k' }, {})).toThrow(/only for the local worker/);
  });
});

describe('standInPinnedHosts: the built-in destination needs no DNS under the imapsync stand-in', () => {
  it('pins the PurelyMail preset host only when the stand-in runs', () => {
    expect(standInPinnedHosts({ IMAPSYNC_STANDIN_FIXTURE: '01-success' })).toEqual(new Map([['imap.purelymail.com', '127.0.0.1']]));
    expect(standInPinnedHosts({})).toBeUndefined();
  });

  it('never on AWS, whatever the environment says', () => {
    expect(standInPinnedHosts({ IMAPSYNC_STANDIN_FIXTURE: '01-success', ECS_CONTAINER_METADATA_URI_V4: 'http://169.254.170.2/v4/x' })).toBeUndefined();
  });
});
