import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Context } from 'aws-lambda';
import { addLambdaContext, createJsonLogger, redact } from './logger.ts';

const capture = (level: 'debug' | 'info' | 'warn' | 'error' | 'silent' = 'debug', base?: Record<string, unknown>) => {
  const lines: string[] = [];
  return { lines, logger: createJsonLogger({ level, base, write: (l) => lines.push(l) }) };
};
const parsed = (lines: string[]) => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('createJsonLogger', () => {
  it('writes one JSON object per line: level, time, message, the base fields, then the call fields (a null kept)', () => {
    const { lines, logger } = capture('debug', { runId: 'run_1' });
    logger.warn('sign-in refused', { step: 'password', email: null, count: 0 });
    expect(lines).toHaveLength(1);
    expect(Object.keys(JSON.parse(lines[0]!) as object)).toEqual(['level', 'time', 'message', 'runId', 'step', 'email', 'count']);
    expect(parsed(lines)[0]).toEqual({ level: 'warn', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), message: 'sign-in refused', runId: 'run_1', step: 'password', email: null, count: 0 });
  });

  it('writes the levels at and above its own; silent writes nothing', () => {
    const info = capture('info');
    for (const level of ['debug', 'info', 'warn', 'error'] as const) info.logger[level](level);
    expect(parsed(info.lines).map((l) => l.level)).toEqual(['info', 'warn', 'error']);
    const silent = capture('silent');
    for (const level of ['debug', 'info', 'warn', 'error'] as const) silent.logger[level](level);
    expect(silent.lines).toEqual([]);
  });

  it('redacts secret-looking keys at any depth and in arrays, and logs an Error as its name and message only', () => {
    const { lines, logger } = capture();
    const err = new Error('imap said no');
    logger.error('failed', {
      password: 'CANARY-1',
      newPassword: 'CANARY-2',
      nested: { apiToken: 'CANARY-3', Authorization: 'Bearer CANARY-4', list: [{ cookie: 'CANARY-5' }, { clientSecret: 'CANARY-6', credentials: { a: 'CANARY-7' } }] },
      error: err,
      user: 'alice',
    });
    expect(lines.join('\n')).not.toMatch(/CANARY|at .*logger\.test/);
    expect(parsed(lines)[0]).toMatchObject({
      password: '[redacted]',
      newPassword: '[redacted]',
      nested: { apiToken: '[redacted]', Authorization: '[redacted]', list: [{ cookie: '[redacted]' }, { clientSecret: '[redacted]', credentials: '[redacted]' }] },
      error: { name: 'Error', message: 'imap said no' },
      user: 'alice',
    });
    expect(redact({ a: { b: { c: { d: { e: { f: { g: { token: 'deep' } } } } } } } })).toBeDefined();
  });

  it('cannot be made to write a second line by a value with a newline', () => {
    const { lines, logger } = capture();
    logger.info('x', { who: 'alice\n{"level":"error","message":"forged"}' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
  });

  it('names the Lambda invocation on every line once an entry point adds its context', () => {
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand'); // as Lambda sets it; Powertools reads it for cold_start
    const { lines, logger } = capture('info');
    logger.info('before');
    const context = { awsRequestId: 'req-1234', functionName: 'pm-api', memoryLimitInMB: '1024', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:pm-api' } as Context;
    addLambdaContext(logger, context);
    logger.info('during', { path: '/api/users' });
    addLambdaContext(logger, { ...context, awsRequestId: 'req-5678' });
    logger.info('next invocation');
    const [before, during, next] = parsed(lines);
    expect(before).not.toHaveProperty('function_request_id');
    expect(during).toMatchObject({ level: 'info', message: 'during', function_request_id: 'req-1234', function_name: 'pm-api', function_memory_size: 1024, cold_start: true, path: '/api/users' });
    expect(next).toMatchObject({ function_request_id: 'req-5678', cold_start: false });
  });

  it('writes every level to stdout when no sink is given, one line each', () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    const logger = createJsonLogger({ level: 'info' });
    logger.info('to stdout', { password: 'CANARY' });
    logger.error('also to stdout');
    expect(written.map((w) => w.endsWith('\n') && w.indexOf('\n') === w.length - 1)).toEqual([true, true]);
    expect(written.map((w) => JSON.parse(w) as object)).toMatchObject([{ level: 'info', message: 'to stdout', password: '[redacted]' }, { level: 'error', message: 'also to stdout' }]);
  });
});
