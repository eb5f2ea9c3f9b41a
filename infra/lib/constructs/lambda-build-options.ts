import type { BuildOptions } from 'esbuild';

/**
 * esbuild banner for ESM output: the AWS SDK's CommonJS parts call `require()` at request time, which an ESM
 * module does not have (stack notes G12: the first `send()` fails without it). esbuild puts it atop every chunk.
 */
export const ESM_REQUIRE_BANNER = "import{createRequire as __cr}from'module';const require=__cr(import.meta.url);";

/** The Node.js version the bundles are compiled for: the runtime every function uses (app-function.ts). */
export const LAMBDA_NODE_TARGET = 'node24';

/** The file Lambda loads: `index.mjs` exporting `handler` (so the function's handler is `index.handler`). */
export const LAMBDA_ENTRY_FILE = 'index.mjs';

/**
 * How one Lambda function is bundled, shared by the CDK construct (app-function.ts) and `npm run bench:api`, so
 * the benchmark measures exactly what is deployed. Kept free of aws-cdk-lib so the bench can import it cheaply.
 *
 * ESM with code splitting: `index.mjs` holds what every request needs; what an entry loads with `import()` (on
 * AWS the migration and DNS features, the KMS/SQS/SES/Secrets Manager SDKs, CSV parsing, 2FA) lands in
 * `chunks/` and is read from disk only when first used, so a cold start neither parses nor evaluates it. The AWS SDK is bundled too (no externals):
 * one pinned, tested version, and no resolution through Lambda's own copy (stack notes §2.7).
 *
 * Source maps are written beside each file (mappings only, no sources) but not loaded at run time: with
 * `--enable-source-maps` Node reads and parses the map of every chunk it loads, ≈20 ms of each cold start, for
 * stack traces a person can decode offline from the same maps when needed (infra/README.md, Troubleshooting).
 * So the functions run without NODE_OPTIONS.
 */
export function lambdaBuildOptions(entry: string, outdir: string): BuildOptions & { outdir: string; metafile: true } {
  return {
    entryPoints: { index: entry },
    outdir,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: LAMBDA_NODE_TARGET,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    external: [],
    logLevel: 'warning',
    metafile: true,
  };
}
