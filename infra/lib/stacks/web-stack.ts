import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { HttpFrontDoor } from '../constructs/http-front-door.ts';
import { StaticSite } from '../constructs/static-site.ts';

export interface WebStackProps extends StackProps {
  /** SvelteKit static build to upload (`npm run build:web` writes web/build). */
  readonly webBuildDir: string;
  /** The app secret (data stack); its `originVerify` field is CloudFront's header to the API origin. */
  readonly appSecret: ISecret;
  /** @default - the CloudFront domain */
  readonly domainName?: string;
  /** @default - none */
  readonly certificateArn?: string;
}

/**
 * Everything the browser reaches: CloudFront, the SPA bucket and the HTTP API it forwards `/api/*` to.
 * The API stack attaches its routes to this HTTP API, which breaks what would otherwise be a cycle:
 * CloudFront needs the API's endpoint, and the API function needs CloudFront's domain as its origin.
 */
export class WebStack extends Stack {
  readonly frontDoor: HttpFrontDoor;
  readonly site: StaticSite;

  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, props);
    this.frontDoor = new HttpFrontDoor(this, 'FrontDoor');
    this.site = new StaticSite(this, 'Site', {
      webBuildDir: props.webBuildDir,
      httpApi: this.frontDoor.httpApi,
      appSecret: props.appSecret,
      domainName: props.domainName,
      certificateArn: props.certificateArn,
    });
    new CfnOutput(this, 'SiteUrl', { value: this.site.siteUrl, description: 'Open this in a browser' });
    if (props.domainName) {
      new CfnOutput(this, 'DnsTarget', {
        value: this.site.distribution.distributionDomainName,
        description: `Point ${props.domainName} here (CNAME, or an alias A/AAAA record in Route 53)`,
      });
    }
  }
}
