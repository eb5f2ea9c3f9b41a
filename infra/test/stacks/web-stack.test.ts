import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_SECURITY_HEADERS } from '../../../functions/src/http/middleware/security-headers.ts';
import { ORIGIN_VERIFY_HEADER, SPA_ROUTING } from '../../lib/constructs/static-site.ts';
import { buildTestApp } from '../support/synth-app.ts';

const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0f3e1d2c-aaaa-bbbb-cccc-123456789abc';

describe('web stack', () => {
  let template: Template;
  let custom: Template;

  beforeAll(() => {
    template = Template.fromStack(buildTestApp({ nag: false }).stacks.web);
    custom = Template.fromStack(buildTestApp({ nag: false, context: { domainName: 'admin.example.org', certificateArn: CERT } }).stacks.web);
  });

  it('keeps the SPA in a private, encrypted, TLS-only bucket read through Origin Access Control', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: { Origins: Match.arrayWith([Match.objectLike({ OriginAccessControlId: Match.anyValue(), S3OriginConfig: Match.anyValue() })]) },
    });
  });

  it('serves the SPA with index.html as root, SPA routing on the default behaviour only, and strict headers', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          FunctionAssociations: [Match.objectLike({ EventType: 'viewer-request' })],
          ResponseHeadersPolicyId: Match.anyValue(),
        }),
        // No distribution-wide error rewriting: it would turn the API's 403/404 into index.html.
        CustomErrorResponses: Match.absent(),
      },
    });
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: {
        SecurityHeadersConfig: {
          ContentSecurityPolicy: { ContentSecurityPolicy: Match.stringLikeRegexp("frame-ancestors 'none'"), Override: true },
          StrictTransportSecurity: { AccessControlMaxAgeSec: 31_536_000, IncludeSubdomains: true, Override: true },
          ContentTypeOptions: { Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
        },
      },
    });
  });

  it("sends the SPA's CSP without 'unsafe-inline' for scripts: the origin and the hash of this build's inline bootstrap (issue 15)", () => {
    const policies = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy')) as { Properties: { ResponseHeadersPolicyConfig: { Comment: string; SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: string } } } } }[];
    const spa = policies.find((p) => p.Properties.ResponseHeadersPolicyConfig.Comment === 'PurelyManage SPA security headers')!;
    const csp = spa.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy;
    const scriptSrc = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src'));
    // The fixture build's <meta> CSP names this hash (infra/test/fixtures/web-build/index.html).
    expect(scriptSrc).toBe("script-src 'self' 'sha256-Pf6lbzEqv5tH7d8Ypvqn9v2cTCgKk6b9yXqKy0pQv0Q='");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("object-src 'none'");
  });

  it('adds nosniff, HSTS, frame-ancestors/DENY and the API CSP to /api/* responses too (also API Gateway\'s own 429/5xx)', () => {
    const dist = Object.values(template.findResources('AWS::CloudFront::Distribution'))[0]!;
    const api = (dist.Properties.DistributionConfig.CacheBehaviors as { PathPattern: string; ResponseHeadersPolicyId?: { Ref: string } }[]).find((b) => b.PathPattern === '/api/*')!;
    const policyId = api.ResponseHeadersPolicyId!.Ref;
    expect(policyId).toMatch(/ApiSecurityHeaders/);
    const policy = template.findResources('AWS::CloudFront::ResponseHeadersPolicy')[policyId]!;
    expect(policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig).toEqual({
      ContentSecurityPolicy: { ContentSecurityPolicy: API_SECURITY_HEADERS['Content-Security-Policy'], Override: true },
      StrictTransportSecurity: { AccessControlMaxAgeSec: 31_536_000, IncludeSubdomains: true, Override: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
    });
    expect(API_SECURITY_HEADERS['Content-Security-Policy']).toContain("frame-ancestors 'none'");
    expect(policy.Properties.ResponseHeadersPolicyConfig.CustomHeadersConfig.Items).toEqual(
      expect.arrayContaining([{ Header: 'Cache-Control', Value: 'no-store', Override: false }]),
    );
  });

  it('rewrites client-side routes to /index.html and leaves files alone', () => {
    const handler = new Function(`${SPA_ROUTING}; return handler;`)() as (e: { request: { uri: string } }) => { uri: string };
    const uri = (u: string) => handler({ request: { uri: u } }).uri;
    expect(uri('/')).toBe('/index.html');
    expect(uri('/users/alice@example.org')).toBe('/users/alice@example.org');
    expect(uri('/c/abcDEF123')).toBe('/index.html');
    expect(uri('/settings')).toBe('/index.html');
    expect(uri('/_app/immutable/entry/start.abc123.js')).toBe('/_app/immutable/entry/start.abc123.js');
    expect(uri('/favicon.svg')).toBe('/favicon.svg');
  });

  it('sends /api/* to the HTTP API uncached, with the viewer address and the origin-verify secret', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        CacheBehaviors: [
          Match.objectLike({
            PathPattern: '/api/*',
            CachePolicyId: CACHING_DISABLED,
            AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
            ViewerProtocolPolicy: 'https-only',
            OriginRequestPolicyId: Match.anyValue(),
          }),
        ],
        Origins: Match.arrayWith([
          Match.objectLike({
            CustomOriginConfig: Match.objectLike({ OriginProtocolPolicy: 'https-only' }),
            OriginCustomHeaders: [{ HeaderName: ORIGIN_VERIFY_HEADER, HeaderValue: Match.objectLike({ 'Fn::Join': Match.anyValue() }) }],
          }),
        ]),
      },
    });
    const [origin] = Object.values(template.findResources('AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig.Origins.filter((o: { OriginCustomHeaders?: unknown }) => o.OriginCustomHeaders);
    expect(JSON.stringify(origin.OriginCustomHeaders)).toContain('{{resolve:secretsmanager:');
    // The originVerify field of the app secret's JSON, not the whole secret (which holds the PurelyMail token).
    expect(JSON.stringify(origin.OriginCustomHeaders)).toContain(':SecretString:originVerify::');
    const [policy] = Object.values(template.findResources('AWS::CloudFront::OriginRequestPolicy'));
    const headers: string[] = policy!.Properties.OriginRequestPolicyConfig.HeadersConfig.Headers;
    expect(headers).toContain('CloudFront-Viewer-Address');
    expect(headers).toContain('x-purelymanage-csrf');
    expect(headers.map((h) => h.toLowerCase())).not.toContain('host');
    expect(policy!.Properties.OriginRequestPolicyConfig.CookiesConfig.CookieBehavior).toBe('all');
  });

  it('uses TLSv1.2_2021 and the domain with a custom certificate, CloudFront defaults otherwise', () => {
    custom.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        Aliases: ['admin.example.org'],
        ViewerCertificate: { AcmCertificateArn: CERT, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
      },
    });
    custom.hasOutput('SiteUrl', { Value: 'https://admin.example.org' });
    template.hasResourceProperties('AWS::CloudFront::Distribution', { DistributionConfig: { Aliases: Match.absent() } });
  });

  it('holds the HTTP API only: its routes and stage (with the throttles that name them) are in the Api stack', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 0);
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 0);
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: Match.anyValue() });
  });

  it('deploys the SPA build and invalidates the distribution', () => {
    template.hasResourceProperties('Custom::CDKBucketDeployment', { DistributionPaths: ['/*'], Prune: true });
    template.hasOutput('SiteUrl', {});
  });
});
