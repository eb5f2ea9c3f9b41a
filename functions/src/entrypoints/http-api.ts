import { handle } from 'hono/aws-lambda';
import { createApp } from '../http/app.ts';
import { composeAwsApi } from '../platform/composition/aws.ts';

// API Gateway HTTP API (v2) → the one Hono app. Composition happens once per cold start, eagerly.
export const handler = handle(createApp(composeAwsApi().deps));
