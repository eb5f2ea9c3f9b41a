import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../../..');

/** High-signal patterns for real credentials (gitleaks-style); test fixtures use none of these shapes. */
const PATTERNS: [string, RegExp][] = [
  ['AWS access key id', /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['AWS secret access key assignment', /aws_?secret_?access_?key["'\s:=]+[A-Za-z0-9/+]{40}\b/i],
  ['private key block', /-----BEGIN (RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----/],
  ['GitHub token', /\bgh[pousr]_[A-Za-z0-9]{36,}\b/],
  ['Slack token', /\bxox[abprs]-[A-Za-z0-9-]{10,}/],
  ['Google API key', /\bAIza[0-9A-Za-z_-]{35}\b/],
  ['Stripe live key', /\b[sr]k_live_[0-9A-Za-z]{20,}\b/],
  ['JSON web token', /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/],
  ['PurelyMail API token', /\bpm-live-[A-Za-z0-9]{16,}/],
  ['password in a URL', /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]+:[^\s:/@'"$]{6,}@[a-z0-9.-]+/i],
];

function scan(files: { name: string; text: string }[]): string[] {
  const found: string[] = [];
  for (const { name, text } of files) {
    for (const [what, re] of PATTERNS) {
      const m = re.exec(text);
      if (m) found.push(`${what} in ${name}: ${m[0].slice(0, 12)}…`);
    }
  }
  return found;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : filesUnder(p);
    return statSync(p).size < 5 * 1024 * 1024 ? [p] : [];
  });
}

// Checklist CS-5: no secret in the repository or in the synthesized templates and assets.
describe('secret scan', () => {
  it('the scanner finds the shapes it looks for (self-test)', () => {
    const planted = ['AKIA' + 'Q'.repeat(16), '-----BEGIN ' + 'PRIVATE KEY-----', 'ghp_' + 'a'.repeat(36), 'https://user:' + 'hunter22@example.com'];
    expect(scan(planted.map((text, i) => ({ name: `planted-${i}`, text })))).toHaveLength(planted.length);
  });

  it('finds no credential in any file git tracks (or is about to)', () => {
    const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: REPO, encoding: 'utf8' }).split('\n').filter(Boolean);
    const files = listed
      .map((f) => join(REPO, f))
      .filter((p) => existsSync(p) && statSync(p).isFile() && statSync(p).size < 5 * 1024 * 1024 && !/\.(png|jpe?g|gz|ico|woff2?)$/.test(p))
      .map((p) => ({ name: p.slice(REPO.length + 1), text: readFileSync(p, 'utf8') }));
    expect(files.length).toBeGreaterThan(100);
    expect(scan(files)).toEqual([]);
  });

  it('finds no credential in cdk.out (templates and assets), and no plaintext secret in any Lambda or task environment', () => {
    const files = filesUnder(join(REPO, 'cdk.out')).filter((p) => !/\.(png|jpe?g|gz|ico|woff2?|zip)$/.test(p));
    const texts = files.map((p) => ({ name: p.slice(REPO.length + 1), text: readFileSync(p, 'utf8') }));
    expect(scan(texts)).toEqual([]);
    // Environment variables whose name says "secret" hold references (ARNs, names, Refs), never values.
    const envProblems: string[] = [];
    for (const { name, text } of texts.filter((f) => f.name.endsWith('.template.json'))) {
      const template = JSON.parse(text) as { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
      for (const [id, r] of Object.entries(template.Resources ?? {})) {
        const envs: Record<string, unknown>[] = [];
        if (r.Type === 'AWS::Lambda::Function') envs.push(((r.Properties?.Environment as { Variables?: Record<string, unknown> })?.Variables ?? {}));
        if (r.Type === 'AWS::ECS::TaskDefinition') {
          for (const c of (r.Properties?.ContainerDefinitions as { Environment?: { Name: string; Value: unknown }[] }[]) ?? []) envs.push(Object.fromEntries((c.Environment ?? []).map((e) => [e.Name, e.Value])));
        }
        for (const env of envs) {
          for (const [k, v] of Object.entries(env)) {
            if (!/SECRET|PASSWORD|TOKEN|PRIVATE|API_KEY/i.test(k) || /_(ARN|NAME|ID)$/i.test(k)) continue;
            if (typeof v === 'string' && !/^arn:/.test(v)) envProblems.push(`${name} ${id} ${k}`);
          }
        }
      }
    }
    expect(envProblems).toEqual([]);
  });
});
