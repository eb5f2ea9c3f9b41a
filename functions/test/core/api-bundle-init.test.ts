import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_ENTRY_FILE, lambdaBuildOptions } from '../../../infra/lib/constructs/lambda-build-options.ts';

/**
 * Heavy libraries used by few requests are imported inside their adapter on first use: the api bundle, built as
 * the CDK builds it, must not load them at a cold start (the chunks `index.mjs` imports statically).
 */
const FIRST_USE_ONLY = ['imapflow', '@aws-sdk/client-kms', '@aws-sdk/client-sqs', '@aws-sdk/client-cloudwatch-logs', '@aws-sdk/client-sesv2', '@aws-sdk/client-scheduler', 'csv-parse', 'csv-stringify', 'otpauth'];

describe('the api bundle at a cold start', () => {
  let outDir: string;
  let metafile: Metafile;
  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'pm-api-init-'));
    metafile = (await build({ ...lambdaBuildOptions(join(import.meta.dirname, '../../src/entrypoints/http-api.ts'), outDir), absWorkingDir: '/', sourcemap: false, logLevel: 'error' })).metafile;
  }, 60_000);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  /** The packages in the outputs a cold start reads: the entry and the chunks it imports statically, transitively. */
  const packagesAtInit = () => {
    const abs = (p: string) => (p.startsWith('/') ? p : `/${p}`);
    const entry = Object.keys(metafile.outputs).find((p) => abs(p) === join(outDir, LAMBDA_ENTRY_FILE))!;
    const seen = new Set<string>();
    const visit = (out: string) => {
      if (seen.has(out)) return;
      seen.add(out);
      for (const i of metafile.outputs[out]!.imports) if (i.kind === 'import-statement' && metafile.outputs[i.path]) visit(i.path);
    };
    visit(entry);
    const packages = new Set<string>();
    for (const out of seen) for (const input of Object.keys(metafile.outputs[out]!.inputs)) packages.add(/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? '(ours)');
    return packages;
  };

  it('loads none of the libraries only a few requests use; they are in the bundle, for their first use', () => {
    const atInit = packagesAtInit();
    expect(FIRST_USE_ONLY.filter((p) => atInit.has(p))).toEqual([]);
    const all = new Set(Object.values(metafile.outputs).flatMap((o) => Object.keys(o.inputs)).map((i) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(i)?.[1]));
    expect(FIRST_USE_ONLY.filter((p) => !all.has(p))).toEqual([]);
    expect(atInit.has('hono')).toBe(true);
  });
});
