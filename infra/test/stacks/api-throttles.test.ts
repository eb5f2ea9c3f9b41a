import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_ROUTES } from '../../../functions/src/http/public-routes.ts';
import { ROUTE_THROTTLES, throttleGroupOf } from '../../lib/constructs/api-routes.ts';
import { buildTestApp } from '../support/synth-app.ts';

type Resource = { Properties: Record<string, unknown>; DependsOn?: string[] };

/**
 * API Gateway throttles per route, for all callers together. With one catch-all route a flood of anonymous
 * requests (a campaign link, the sign-in form) used up the bucket the signed-in admins need; now every anonymous
 * route has its own, smaller one.
 */
describe('the front door throttles per route', () => {
  let api: Template;
  let routes: Record<string, Resource>;
  let stage: Resource;

  beforeAll(() => {
    api = Template.fromStack(buildTestApp({ nag: false }).stacks.api);
    routes = api.findResources('AWS::ApiGatewayV2::Route') as Record<string, Resource>;
    const stages = Object.values(api.findResources('AWS::ApiGatewayV2::Stage') as Record<string, Resource>);
    expect(stages).toHaveLength(1);
    stage = stages[0]!;
  });

  it('has the admin catch-all and one route per public route of the app, all to the api function', () => {
    const keys = Object.values(routes).map((r) => r.Properties.RouteKey as string).sort();
    expect(keys).toEqual(['ANY /api/{proxy+}', ...PUBLIC_ROUTES].sort());
    const targets = new Set(Object.values(routes).map((r) => JSON.stringify(r.Properties.Target)));
    expect(targets.size).toBe(1);
    api.resourceCountIs('AWS::ApiGatewayV2::Integration', 1);
    // One invoke permission for the whole API (not one per route).
    api.resourceCountIs('AWS::Lambda::Permission', 1);
    api.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'apigateway.amazonaws.com', Action: 'lambda:InvokeFunction' });
  });

  it('gives every public route its own limit, below the admins\' default; the campaign form apart from sign-in', () => {
    expect(stage.Properties).toMatchObject({ StageName: '$default', AutoDeploy: true, DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 } });
    const settings = stage.Properties.RouteSettings as Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;
    expect(Object.keys(settings).sort()).toEqual([...PUBLIC_ROUTES].sort());
    for (const route of PUBLIC_ROUTES) {
      const limit = ROUTE_THROTTLES[throttleGroupOf(route)];
      expect(settings[route], route).toEqual({ ThrottlingRateLimit: limit.rateLimit, ThrottlingBurstLimit: limit.burstLimit });
      expect(limit.rateLimit, route).toBeLessThan(ROUTE_THROTTLES.admin.rateLimit);
    }
    expect(PUBLIC_ROUTES.filter((r) => throttleGroupOf(r) === 'campaign')).toEqual(['POST /api/public/campaigns/info', 'POST /api/public/campaigns/challenge', 'POST /api/public/campaigns/submit']);
    expect(throttleGroupOf('POST /api/auth/login')).toBe('signIn');
  });

  it('creates the stage after the routes its throttles name (API Gateway refuses settings for a missing route)', () => {
    expect([...(stage.DependsOn ?? [])].sort()).toEqual(Object.keys(routes).sort());
  });

  it('access-logs the stage as JSON, with the route key', () => {
    expect(stage.Properties.AccessLogSettings).toEqual({ DestinationArn: expect.anything(), Format: expect.stringContaining('"route":"$context.routeKey"') });
    api.hasResourceProperties('AWS::ApiGatewayV2::Stage', { AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RoutesAccessLogs'), 'Arn'] } } });
  });
});
