import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AppContext } from '../../src/http/app-env.ts';
import { composeAwsApi } from '../../src/platform/composition/aws.ts';
import { safeEqual } from '../../src/platform/safe-equal.ts';

// The comparison is watched, not replaced: the AWS root must decide through the constant-time helper.
vi.mock('../../src/platform/safe-equal.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/platform/safe-equal.ts')>();
  return { safeEqual: vi.fn(real.safeEqual) };
});

const ORIGIN_VERIFY = 'kT3vQ9xLm2Pz8Rw4Yb6Nc1Hd5Fj7Gs0Ua2Ve4Wi6Xo8Zq1Ar3';

/** A request as the AWS root's clientIp sees it: headers, and API Gateway's source IP in the Lambda event. */
const request = (headers: Record<string, string>) =>
  ({ req: { header: (name: string) => headers[name.toLowerCase()] }, env: { event: { requestContext: { http: { sourceIp: '198.51.100.7' } } } } }) as unknown as AppContext;

describe("the origin-verify header (CloudFront's proof) is compared in constant time", () => {
  const secrets = mockClient(SecretsManagerClient);
  let clientIp: (c: AppContext) => string;

  beforeAll(async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ purelymailToken: 'pm', originVerify: ORIGIN_VERIFY }) });
    Object.assign(process.env, { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
    ({ clientIp } = composeAwsApi({ TABLE_NAME: 'unused', APP_ORIGIN: 'https://panel.example.com', APP_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:app', MAIL_FROM: 'p@example.com' }).deps);
    // The secret is read at cold start, off the request path.
    await vi.waitFor(() => expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 10));
  });
  afterAll(() => secrets.restore());

  it("trusts CloudFront's viewer address only when the header matches, deciding through safeEqual", () => {
    const viewer = { 'cloudfront-viewer-address': '203.0.113.9:51234' };
    vi.mocked(safeEqual).mockClear();
    expect(clientIp(request({ ...viewer, 'x-origin-verify': ORIGIN_VERIFY }))).toBe('203.0.113.9');
    expect(vi.mocked(safeEqual)).toHaveBeenLastCalledWith(ORIGIN_VERIFY, ORIGIN_VERIFY);
    // Same length, last character wrong; a prefix; nothing: all fall back to API Gateway's source IP.
    for (const guess of [`${ORIGIN_VERIFY.slice(0, -1)}x`, ORIGIN_VERIFY.slice(0, 10)]) {
      expect(clientIp(request({ ...viewer, 'x-origin-verify': guess }))).toBe('198.51.100.7');
      expect(vi.mocked(safeEqual)).toHaveBeenLastCalledWith(guess, ORIGIN_VERIFY);
    }
    expect(clientIp(request(viewer))).toBe('198.51.100.7');
    expect(vi.mocked(safeEqual)).toHaveBeenCalledTimes(3);
  });
});
