import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { repoPaths } from '../lib/config/repo-paths.ts';
import { readStageConfig } from '../lib/config/stage-config.ts';
import { estimateCost, formatCostReport, type CfnTemplate } from '../lib/cost/idle-cost.ts';
import { buildPurelyManage } from '../lib/purely-manage-app.ts';

// `npm run cost:idle [-- <cloud assembly dir>]`: prints the monthly estimate of the synthesized app.
// Synthesizes the current code in memory (no bundling, no nag), so a cdk.out left by an older synth cannot
// report yesterday's alarms; reads a cloud assembly only when one is named.
const given = process.argv[2] ? resolve(process.env.INIT_CWD ?? process.cwd(), process.argv[2]) : undefined;

function templatesIn(dir: string): CfnTemplate[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.template.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as CfnTemplate);
}

function synthesize(): CfnTemplate[] {
  const outdir = mkdtempSync(join(tmpdir(), 'pm-cost-'));
  const defaults = (JSON.parse(readFileSync(join(repoPaths.root, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> }).context ?? {};
  const app = new App({ outdir, context: { ...defaults, 'aws:cdk:bundling-stacks': [] } });
  const webBuild = existsSync(join(repoPaths.webBuild, 'index.html')) ? repoPaths.webBuild : resolve(import.meta.dirname, '../test/fixtures/web-build');
  buildPurelyManage(app, {
    config: readStageConfig(app.node),
    entries: { api: repoPaths.entry('http-api'), scheduled: repoPaths.entry('scheduled'), dispatch: repoPaths.entry('dispatch') },
    webBuildDir: webBuild,
    nag: false,
  });
  return app.synth().stacks.map((s) => s.template as CfnTemplate);
}

if (given && !(existsSync(given) && templatesIn(given).length > 0)) throw new Error(`${given} holds no *.template.json: run npm run synth first, or omit the directory`);
const templates = given ? templatesIn(given) : synthesize();
console.log(formatCostReport(estimateCost(templates)));
