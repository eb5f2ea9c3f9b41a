// First: it must run before any zod schema is built (each captures the setting when it is built).
import '../platform/zod-jitless.ts';
import { handle } from 'hono/aws-lambda';
import { createApp } from '../http/app.ts';
import { composeAws } from '../platform/composition/aws.ts';

// API Gateway HTTP API (v2) → the one Hono app. Composition happens once per cold start.
export const handler = handle(createApp(composeAws().deps));
