import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Construct } from 'constructs';

/**
 * The HTTP API (API Gateway v2) behind CloudFront's `/api/*`, without routes or stage: the API stack adds both
 * (api-routes.ts), because the stage's per-route throttles need the routes to exist first. This construct exists
 * before the functions it fronts: CloudFront needs its endpoint, the functions need CloudFront's domain as their
 * allowed origin.
 */
export class HttpFrontDoor extends Construct {
  readonly httpApi: HttpApi;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'Api', { description: 'PurelyManage API (reached through CloudFront /api/*)', createDefaultStage: false });
  }
}
