import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestCookieBehavior,
  OriginRequestHeaderBehavior,
  OriginRequestPolicy,
  OriginRequestQueryStringBehavior,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledgeWildcard, nagRef } from '../nag.ts';
import { CSRF_HEADER } from '../../../shared/src/api/api-error.ts';
import { API_SECURITY_HEADERS, inlineScriptHashes, pageSecurityHeaders } from '../../../functions/src/http/middleware/security-headers.ts';

/** The header CloudFront adds to every API request, holding the origin-verify secret's value. */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

/**
 * SPA routing as a viewer-request function on the default behaviour only: a path whose last segment has no
 * dot is a client-side route and gets /index.html. (Distribution-wide custom error responses would also
 * rewrite the API's own 403/404 answers into index.html with a 200.)
 */
export const SPA_ROUTING = `function handler(event) {
  var request = event.request;
  var last = request.uri.substring(request.uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

export interface StaticSiteProps {
  /** Directory holding the SvelteKit static build (index.html, _app/...). */
  readonly webBuildDir: string;
  /** The API that `/api/*` goes to. */
  readonly httpApi: IHttpApi;
  /** The app secret: its JSON field `originVerify` is sent to the API origin as {@link ORIGIN_VERIFY_HEADER}. */
  readonly appSecret: ISecret;
  /** Custom domain. @default - the distribution's cloudfront.net domain */
  readonly domainName?: string;
  /** ACM certificate in us-east-1 for `domainName`. @default - CloudFront's default certificate */
  readonly certificateArn?: string;
}

/**
 * The browser's single origin: CloudFront serving the SPA from a private bucket (Origin Access Control)
 * and forwarding `/api/*` to the HTTP API uncached, with the viewer's address and a secret header that
 * proves the request came through CloudFront. Strict security headers on every page.
 */
export class StaticSite extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  /** `https://` plus the custom domain or the CloudFront domain: the app's one allowed Origin. */
  readonly siteUrl: string;

  constructor(scope: Construct, id: string, props: StaticSiteProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Retained so `cdk destroy` never fails on a non-empty bucket (an auto-delete custom resource would
      // add another generated function); it only holds the public SPA build, delete it by hand.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason: 'The bucket holds only the public SPA build, written by BucketDeployment and read by CloudFront through OAC; access logs would record nothing but CloudFront fetches. API requests are logged by API Gateway.',
    });

    // Scripts: the origin and the hashed inline bootstrap of this build (synth reads the built index.html).
    // Without the build (bootstrap, ls, destroy: see the end of this constructor) no site is uploaded, so no
    // inline script is allowed either.
    const indexHtml = join(props.webBuildDir, 'index.html');
    const builtPage = existsSync(indexHtml) ? readFileSync(indexHtml, 'utf8') : '';
    const pageCsp = pageSecurityHeaders(inlineScriptHashes(builtPage))['Content-Security-Policy']!;
    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'PurelyManage SPA security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: pageCsp, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });
    // The same headers the Hono app sets on every API response (functions/src/http/middleware/security-headers.ts),
    // also on answers API Gateway or CloudFront produce themselves (429 throttling, 502/504), which never pass
    // through the app.
    const apiHeaders = new ResponseHeadersPolicy(this, 'ApiSecurityHeaders', {
      comment: 'PurelyManage API security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: API_SECURITY_HEADERS['Content-Security-Policy']!, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          // Not override: a response the app marked cacheable (none today) keeps its own policy.
          { header: 'Cache-Control', value: API_SECURITY_HEADERS['Cache-Control']!, override: false },
          { header: 'Cross-Origin-Resource-Policy', value: API_SECURITY_HEADERS['Cross-Origin-Resource-Policy']!, override: true },
        ],
      },
    });
    const apiRequests = new OriginRequestPolicy(this, 'ApiRequests', {
      comment: 'PurelyManage API: what the Hono app reads, plus the viewer address for per-IP throttling',
      // Never Host: API Gateway routes on its own host name.
      headerBehavior: OriginRequestHeaderBehavior.allowList(
        'Accept',
        'Accept-Language',
        'Content-Type',
        'Origin',
        'Referer',
        'User-Agent',
        'Sec-Fetch-Site',
        CSRF_HEADER,
        'CloudFront-Viewer-Address',
      ),
      cookieBehavior: OriginRequestCookieBehavior.all(),
      queryStringBehavior: OriginRequestQueryStringBehavior.all(),
    });
    // https://{apiId}.execute-api.{region}.amazonaws.com → the host name.
    const apiHost = Fn.select(2, Fn.split('/', props.httpApi.apiEndpoint));

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'PurelyManage',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      domainNames: props.domainName ? [props.domainName] : undefined,
      certificate: props.certificateArn ? Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn) : undefined,
      // Only meaningful with a custom certificate; the default *.cloudfront.net one has a fixed policy.
      minimumProtocolVersion: props.certificateArn ? SecurityPolicyProtocol.TLS_V1_2_2021 : undefined,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        functionAssociations: [
          {
            eventType: FunctionEventType.VIEWER_REQUEST,
            function: new EdgeFunction(this, 'SpaRouting', { runtime: FunctionRuntime.JS_2_0, code: FunctionCode.fromInline(SPA_ROUTING) }),
          },
        ],
      },
      additionalBehaviors: {
        '/api/*': {
          origin: new HttpOrigin(apiHost, {
            protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
            // A dynamic reference: CloudFormation resolves it at deploy time, the template holds no value.
            customHeaders: { [ORIGIN_VERIFY_HEADER]: props.appSecret.secretValueFromJson('originVerify').unsafeUnwrap() },
          }),
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: apiRequests,
          responseHeadersPolicy: apiHeaders,
        },
      },
    });
    this.siteUrl = `https://${props.domainName ?? this.distribution.distributionDomainName}`;

    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-CFR3',
        reason: 'CloudFront standard logs need a log bucket with ACLs and cost per request; every state-changing request is logged by API Gateway access logs and the audit log, static file fetches carry no user data.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-CFR1',
        reason: 'An admin panel for one organisation has no geography to restrict to; access is by admin login.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-CFR2',
        reason: 'AWS WAF costs at least $5/month plus $1 per rule, above the whole idle budget; login and campaign endpoints are throttled per account and per viewer IP in the app, and the API stage is throttled.',
      },
    );
    if (!props.certificateArn) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions::AwsSolutions-CFR4',
        reason: 'Without a custom domain CloudFront serves its default *.cloudfront.net certificate, whose security policy cannot be set; with -c domainName/certificateArn the distribution uses TLSv1.2_2021.',
      });
    }

    // `cdk bootstrap`, `cdk ls` and `cdk destroy` synthesize the app but bundle no stack (the CLI sets
    // aws:cdk:bundling-stacks to []): they must work before `npm run build:web`. A synth or deploy of this stack
    // without the build fails with the command to run, instead of shipping a site without its pages.
    if (!existsSync(join(props.webBuildDir, 'index.html'))) {
      const missing = `${join(props.webBuildDir, 'index.html')} is missing: run "npm run build:web" before synthesizing or deploying this stack (npm run synth does it for you).`;
      if (Stack.of(this).bundlingRequired) Annotations.of(this).addError(missing);
      else Annotations.of(this).addWarningV2('purelymanage:web-build-missing', `${missing} The site's upload is left out of this synthesis.`);
      return;
    }
    const deployment = new BucketDeployment(this, 'Deploy', {
      sources: [Source.asset(props.webBuildDir)],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 512,
      logGroup: new LogGroup(this, 'DeployLogs', { retention: RetentionDays.ONE_WEEK, removalPolicy: RemovalPolicy.DESTROY }),
    });
    this.acknowledgeDeploymentHelper(deployment);
  }

  /**
   * BucketDeployment's helper function and role are generated by aws-cdk-lib (a Python function with the
   * AWS CLI layer, run only during deploy). Its findings are acknowledged here, one by one.
   */
  private acknowledgeDeploymentHelper(deployment: BucketDeployment): void {
    const role = deployment.handlerRole;
    const handler = role.node.scope!;
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions::AwsSolutions-L1',
      reason: 'The BucketDeployment helper runtime is chosen by aws-cdk-lib (Python with the AWS CLI layer) and runs only during deploy; it is updated with aws-cdk-lib.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'The BucketDeployment helper role is created by aws-cdk-lib with the basic execution policy; it runs only during deploy.',
    });
    acknowledgeWildcard(role, 'Resource::*', 'cloudfront:CreateInvalidation/GetInvalidation after the upload; generated by aws-cdk-lib for the distribution it invalidates.');
    const why = 'BucketDeployment syncs the SPA build from the CDK asset bucket into the site bucket (aws s3 sync --delete) and needs object-level read/write/delete on both; the grant is generated by aws-cdk-lib.';
    for (const finding of [
      'Action::s3:GetObject*',
      'Action::s3:GetBucket*',
      'Action::s3:List*',
      'Action::s3:DeleteObject*',
      'Action::s3:Abort*',
      `Resource::${nagRef(this.bucket, 'Arn')}/*`,
      'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
    ]) {
      acknowledgeWildcard(role, finding, why);
    }
  }
}
