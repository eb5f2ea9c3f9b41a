import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AwsConfig } from './aws-config.ts';
import { LocalConfig } from './local-config.ts';
import { ConfigError, parseConfig } from './parse-config.ts';

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const c = parseConfig(LocalConfig, {});
    expect(c).toMatchObject({ HOST: '127.0.0.1', PORT: 8787, DATA_DIR: '.data', SESSION_IDLE_MINUTES: 30, SESSION_ABSOLUTE_HOURS: 12, PASSWORD_SCRYPT_LOG_N: 17 });
    expect(c.PURELYMAIL_API_TOKEN).toBeUndefined();
  });

  it('fails fast naming every bad variable', () => {
    expect(() => parseConfig(LocalConfig, { PORT: 'eighty', SESSION_IDLE_MINUTES: '0' })).toThrow(ConfigError);
    try {
      parseConfig(LocalConfig, { PORT: 'eighty', SESSION_IDLE_MINUTES: '0' });
    } catch (err) {
      expect((err as Error).message).toMatch(/PORT/);
      expect((err as Error).message).toMatch(/SESSION_IDLE_MINUTES/);
    }
  });

  it('requires the AWS variables on AWS and never echoes values', () => {
    expect(() => parseConfig(AwsConfig, { APP_SECRET_ARN: 'arn:secret' })).toThrow(/TABLE_NAME.*APP_ORIGIN|APP_ORIGIN.*TABLE_NAME|TABLE_NAME/);
    try {
      parseConfig(LocalConfig, { PORT: 'hunter2-secret' });
    } catch (err) {
      expect((err as Error).message).not.toContain('hunter2-secret');
    }
  });

  it('refuses private IMAP hosts on AWS (the worker would refuse them in its container anyway)', () => {
    const base = { TABLE_NAME: 'purelymanage', APP_ORIGIN: 'https://panel.example', APP_SECRET_ARN: 'arn:secret' };
    expect(parseConfig(AwsConfig, base).ALLOW_PRIVATE_IMAP_HOSTS).toBe(false);
    expect(() => parseConfig(AwsConfig, { ...base, ALLOW_PRIVATE_IMAP_HOSTS: 'true' })).toThrow(/ALLOW_PRIVATE_IMAP_HOSTS: must be false on AWS/);
  });

  it('treats empty strings as unset, like .env files do', () => {
    expect(parseConfig(LocalConfig, { PURELYMAIL_API_TOKEN: '', PORT: '' }).PORT).toBe(8787);
  });

  it('.env.example documents every local variable, and its values parse', () => {
    const text = readFileSync(resolve(import.meta.dirname, '../../../../.env.example'), 'utf8');
    const entries = Object.fromEntries([...text.matchAll(/^([A-Z][A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
    expect(Object.keys(LocalConfig.shape).filter((k) => !(k in entries))).toEqual([]);
    expect(() => parseConfig(LocalConfig, entries)).not.toThrow();
  });
});
