import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { hostArchitecture, PLACEHOLDER_SENDER, readStageConfig, StageConfigError } from '../lib/config/stage-config.ts';

/** The config as the CLI hands it over: `deploying` = a command that bundles (synth, deploy, diff). */
const read = (context: Record<string, unknown>, opts: { deploying?: boolean; arch?: string } = {}) =>
  readStageConfig(new App({ context: { ...context, 'aws:cdk:bundling-stacks': opts.deploying === false ? [] : ['**'] } }).node, { arch: opts.arch ?? 'x64' });

describe('stage config (CDK context)', () => {
  it("refuses cdk.json's placeholder sender, and documentation domains, for anything that may deploy", () => {
    expect(() => read({ senderEmail: PLACEHOLDER_SENDER })).toThrow(StageConfigError);
    expect(() => read({ senderEmail: PLACEHOLDER_SENDER })).toThrow(/placeholder \(notifications@example.com\), which SES can never verify: deploy with -c senderEmail=/);
    for (const sender of ['ops@example.org', 'ops@mail.example.net', 'ops@corp.example']) expect(() => read({ senderEmail: sender }), sender).toThrow(/documentation-only domain/);
    expect(read({ senderEmail: 'Notify@Corp.Test' }).senderEmail).toBe('notify@corp.test');
  });

  it('lets cdk bootstrap, ls and destroy (no stack bundled) synthesize with the placeholder', () => {
    expect(read({ senderEmail: PLACEHOLDER_SENDER }, { deploying: false }).senderEmail).toBe(PLACEHOLDER_SENDER);
  });

  it('takes an existing SES identity only if it covers the sender (the address or its domain)', () => {
    expect(read({ senderEmail: 'notify@corp.test', existingSenderIdentity: 'corp.test' }).existingSenderIdentity).toBe('corp.test');
    expect(read({ senderEmail: 'notify@corp.test', existingSenderIdentity: 'NOTIFY@corp.test' }).existingSenderIdentity).toBe('notify@corp.test');
    expect(() => read({ senderEmail: 'notify@corp.test', existingSenderIdentity: 'other.test' })).toThrow(/must be senderEmail itself or its domain \(corp.test\)/);
    expect(read({ senderEmail: 'n@corp.test', extraSenderIdentities: 'Alerts@Other.test, third.test' }).extraSenderIdentities).toEqual(['alerts@other.test', 'third.test']);
    expect(() => read({ senderEmail: 'n@corp.test', extraSenderIdentities: 'not an identity' })).toThrow(/neither an email address nor a domain/);
  });

  it("builds the task image for the deployer's CPU unless told otherwise", () => {
    expect(hostArchitecture('arm64')).toBe('arm64');
    expect(hostArchitecture('x64')).toBe('x86_64');
    expect(read({ senderEmail: 'n@corp.test' }, { arch: 'arm64' }).migratorArchitecture).toBe('arm64');
    expect(read({ senderEmail: 'n@corp.test' }, { arch: 'x64' }).migratorArchitecture).toBe('x86_64');
    expect(read({ senderEmail: 'n@corp.test', migratorArchitecture: 'arm64' }, { arch: 'x64' }).migratorArchitecture).toBe('arm64');
    expect(() => read({ senderEmail: 'n@corp.test', migratorArchitecture: 'amd64' })).toThrow(/migratorArchitecture must be auto, arm64 or x86_64/);
  });

  it('never puts arm64 tasks on Fargate Spot, which cannot run them', () => {
    expect(() => read({ senderEmail: 'n@corp.test', migratorSpot: 'true', migratorArchitecture: 'arm64' })).toThrow(/Fargate Spot cannot run arm64 tasks/);
    expect(() => read({ senderEmail: 'n@corp.test', migratorSpot: 'true' }, { arch: 'arm64' })).toThrow(/\(this machine's\)\. Add -c migratorArchitecture=x86_64/);
    expect(read({ senderEmail: 'n@corp.test', migratorSpot: 'true', migratorArchitecture: 'x86_64' })).toMatchObject({ migratorSpot: true, migratorArchitecture: 'x86_64' });
  });

  it('reads extra IMAP ports as numbers, without 143 and 993 (always open), and refuses what is not a port', () => {
    expect(read({ senderEmail: 'n@corp.test' }).extraImapPorts).toEqual([]);
    expect(read({ senderEmail: 'n@corp.test', extraImapPorts: '2993, 1143,993,1143' }).extraImapPorts).toEqual([1143, 2993]);
    expect(() => read({ senderEmail: 'n@corp.test', extraImapPorts: '1143,imap' })).toThrow(/extraImapPorts must list port numbers/);
    expect(() => read({ senderEmail: 'n@corp.test', extraImapPorts: '70000' })).toThrow(/extraImapPorts/);
  });
});
