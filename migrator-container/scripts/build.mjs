// Builds the worker as the container runs it: dist/main.mjs and the chunks it imports from dist/chunks/.
// Usage: node scripts/build.mjs [outdir]   (default dist, emptied first)
//
// Why these options (npm run bench:migrator measures the start they buy):
// - mainFields module first: the AWS SDK's ES modules tree-shake; its CommonJS builds (the default for
//   platform node) bring whole packages, e.g. a user-agent parser the worker never calls.
// - splitting: what the worker imports with import() (the KMS client on AWS, the SDK's credential providers
//   other than the one in use) lands in chunks/ and is never read by a run that does not need it.
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';

const here = resolve(import.meta.dirname, '..');
const outdir = resolve(here, process.argv[2] ?? 'dist');
if (!process.argv[2]) rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: here,
  entryPoints: { main: 'src/main.ts' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  mainFields: ['module', 'main'],
  splitting: true,
  outdir,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  // Bundled CommonJS (parts of the SDK) still calls require for node built-ins.
  banner: { js: "import{createRequire as __cr}from'module';const require=__cr(import.meta.url);" },
  logLevel: 'warning',
});
