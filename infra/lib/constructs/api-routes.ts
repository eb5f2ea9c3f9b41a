import { CfnResource, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CfnStage, HttpMethod, HttpRoute, HttpRouteKey, HttpStage, LogGroupLogDestination, type IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PUBLIC_ROUTES, type PublicRoute } from '../../../functions/src/http/public-routes.ts';

/** Steady requests per second and burst of one API Gateway route (a token bucket per route, shared by all callers). */
export interface RouteThrottle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/**
 * Throttles per route. API Gateway keeps one bucket per route, for all callers together (it has no per-client
 * limit; the app throttles per IP and per account behind it): every anonymous route gets its own, smaller bucket,
 * so a flood of one of them answers 429 there while the signed-in admins' routes keep theirs. The campaign
 * form's routes (reached by end users through links) have their own limit, apart from sign-in and setup.
 */
export const ROUTE_THROTTLES = {
  /** Every route behind the session (the catch-all). */
  admin: { rateLimit: 50, burstLimit: 100 },
  /** The public campaign form: info, browser check, submit (each IMAP-verified, so slow by nature). */
  campaign: { rateLimit: 10, burstLimit: 20 },
  /** One-time hand-over links of imported users (the app also limits opens per IP). */
  handover: { rateLimit: 5, burstLimit: 10 },
  /** Password and 2FA sign-in (the app also backs off per account and per IP). */
  signIn: { rateLimit: 5, burstLimit: 10 },
  /** First-run setup and its status (the sign-in page asks for it). */
  setup: { rateLimit: 5, burstLimit: 10 },
  /** Uptime monitors. */
  health: { rateLimit: 5, burstLimit: 10 },
} as const satisfies Record<string, RouteThrottle>;

/** Which limit an anonymous route falls under. */
export function throttleGroupOf(route: PublicRoute): Exclude<keyof typeof ROUTE_THROTTLES, 'admin'> {
  const path = route.split(' ')[1]!;
  if (path.startsWith('/api/public/campaigns/')) return 'campaign';
  if (path.startsWith('/api/public/handover/')) return 'handover';
  if (path.startsWith('/api/auth/')) return 'signIn';
  if (path.startsWith('/api/setup')) return 'setup';
  if (path === '/api/health') return 'health';
  throw new Error(`No throttle group for the public route ${route}: add one to ROUTE_THROTTLES (infra/lib/constructs/api-routes.ts).`);
}

export interface ApiRoutesProps {
  /** The HTTP API (web stack), which CloudFront forwards `/api/*` to. */
  readonly httpApi: IHttpApi;
  /** The one Hono function every route invokes. */
  readonly handler: IFunction;
  /** @default RetentionDays.THREE_MONTHS (access logs are the forensics trail for API calls) */
  readonly logRetention?: RetentionDays;
}

/**
 * The routes of the HTTP API and its `$default` stage, in one stack: the stage's per-route throttles name route
 * keys, which API Gateway refuses unless the routes already exist. Every route invokes the same function; the
 * anonymous ones exist apart from the catch-all only to get their own throttle.
 */
export class ApiRoutes extends Construct {
  readonly routes: HttpRoute[] = [];
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: ApiRoutesProps) {
    super(scope, id);
    // One integration and one API-scoped invoke permission for all routes.
    const integration = new HttpLambdaIntegration('Integration', props.handler, { scopePermissionToRoute: false });
    const add = (routeId: string, method: HttpMethod, path: string) => {
      const route = new HttpRoute(this, routeId, { httpApi: props.httpApi, routeKey: HttpRouteKey.with(path, method), integration });
      Validations.of(route).acknowledge({
        id: 'AwsSolutions::AwsSolutions-APIG4',
        reason: 'Authorization is done inside the Hono app (session cookie + CSRF header/Origin check on every state-changing route, tested route by route); setup, login, health and campaign links must be reachable without a session, so an API Gateway authorizer would only duplicate it.',
      });
      this.routes.push(route);
      return route;
    };
    add('Admin', HttpMethod.ANY, '/api/{proxy+}');
    // RouteSettings is a JSON map in CloudFormation: CDK passes it through as is, so the keys are CloudFormation's.
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const publicRoute of PUBLIC_ROUTES) {
      const [method, path] = publicRoute.split(' ') as [keyof typeof HttpMethod, string];
      add(path.replace(/^\/api\//, '').replace(/(^|\/)(\w)/g, (_m, _s, c: string) => c.toUpperCase()), HttpMethod[method], path);
      const limit = ROUTE_THROTTLES[throttleGroupOf(publicRoute)];
      routeSettings[`${method} ${path}`] = { ThrottlingRateLimit: limit.rateLimit, ThrottlingBurstLimit: limit.burstLimit };
    }

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: props.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: ROUTE_THROTTLES.admin,
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
    const cfnStage = this.stage.node.defaultChild as CfnStage;
    cfnStage.routeSettings = routeSettings;
    for (const route of this.routes) cfnStage.addResourceDependency(route.node.defaultChild as CfnResource, 'RouteSettings name this route');
  }
}
