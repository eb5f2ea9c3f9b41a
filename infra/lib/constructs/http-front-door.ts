import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface HttpFrontDoorProps {
  /** Steady-state requests per second across all routes. @default 50 */
  readonly rateLimit?: number;
  /** @default 100 */
  readonly burstLimit?: number;
  /** @default RetentionDays.THREE_MONTHS (access logs are the forensics trail for API calls) */
  readonly logRetention?: RetentionDays;
}

/**
 * The HTTP API (API Gateway v2) behind CloudFront's `/api/*`: a `$default` stage that deploys routes as
 * they are added, stage-wide throttling, and JSON access logs. Routes are attached by the API stack, so
 * this construct can exist before the functions it fronts (CloudFront needs its endpoint, the functions
 * need CloudFront's domain as their allowed origin).
 */
export class HttpFrontDoor extends Construct {
  readonly httpApi: HttpApi;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: HttpFrontDoorProps = {}) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'Api', { description: 'PurelyManage API (reached through CloudFront /api/*)', createDefaultStage: false });
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit ?? 50, burstLimit: props.burstLimit ?? 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            path: '$context.path',
            route: '$context.routeKey',
            status: '$context.status',
            bytes: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
  }
}
