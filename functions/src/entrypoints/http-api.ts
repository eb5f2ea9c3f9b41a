import { handle } from 'hono/aws-lambda';
import { createApp } from '../http/app.ts';
import { composeAwsApi } from '../platform/composition/aws.ts';
import { addLambdaContext } from '../platform/logger.ts';

// API Gateway HTTP API (v2) → the one Hono app. Composition happens once per cold start, eagerly; each
// invocation's log lines carry its request id.
const { deps } = composeAwsApi();
const app = handle(createApp(deps));
export const handler: typeof app = (event, context) => {
  addLambdaContext(deps.logger, context);
  return app(event, context);
};
