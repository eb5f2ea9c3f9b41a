import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoPaths } from '../lib/config/repo-paths.ts';
import { buildTestApp } from './support/synth-app.ts';

const short = (stackName: string) => stackName.replace(/^PurelyManage-[a-z0-9-]+?-(Data|Web|Migrator|Api)$/, '$1');

/** "Exporter|LogicalIdPrefix|Importer" for every row of infra/README.md's "Cross-stack references" table. */
function documented(): string[] {
  const readme = readFileSync(resolve(repoPaths.root, 'infra/README.md'), 'utf8');
  const section = readme.split('## Cross-stack references')[1]?.split('\n## ')[0];
  if (!section) throw new Error('infra/README.md has no "Cross-stack references" section');
  return section
    .split('\n')
    .filter((l) => /^\| (Data|Web|Migrator|Api) \|/.test(l))
    .flatMap((l) => {
      const [exporter, resource, importers] = l.split('|').slice(1, 4).map((c) => c.trim());
      const logicalId = /`([A-Za-z]+)`/.exec(resource!)?.[1];
      if (!logicalId) throw new Error(`no logical id in the row: ${l}`);
      return importers!.split(',').map((i) => `${exporter}|${logicalId}|${i.trim()}`);
    })
    .sort();
}

/**
 * An export in use cannot change, which blocks replacing the resource behind it: every cross-stack reference the
 * app makes is listed in infra/README.md with what to do, and this test fails when one is added or dropped without
 * the list following.
 */
describe('cross-stack references', () => {
  let actual: string[];

  beforeAll(() => {
    const { stacks } = buildTestApp({ nag: false });
    const templates = Object.values(stacks).map((s) => ({ name: short(s.stackName), json: Template.fromStack(s).toJSON() as { Outputs?: Record<string, { Value: unknown; Export?: { Name: string } }> } }));
    const exports = new Map<string, { stack: string; logicalId: string }>();
    for (const t of templates) {
      for (const out of Object.values(t.json.Outputs ?? {})) {
        if (!out.Export) continue;
        const value = out.Value as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
        exports.set(out.Export.Name, { stack: t.name, logicalId: value.Ref ?? value['Fn::GetAtt']![0] });
      }
    }
    const found = new Set<string>();
    for (const t of templates) {
      JSON.stringify(t.json, (key, v: unknown) => {
        if (key === 'Fn::ImportValue') {
          const e = exports.get(v as string);
          if (!e) throw new Error(`import of an unknown export ${String(v)}`);
          found.add(`${e.stack}|${e.logicalId}|${t.name}`);
        }
        return v;
      });
    }
    actual = [...found].sort();
  });

  it('are exactly the ones infra/README.md lists', () => {
    const rows = documented();
    // A README row names a logical id prefix (CDK adds a hash): match each import to its row.
    const matched = actual.map((a) => {
      const [stack, logicalId, importer] = a.split('|');
      return rows.find((r) => {
        const [rs, rl, ri] = r.split('|');
        return rs === stack && ri === importer && logicalId!.startsWith(rl!);
      }) ?? `UNDOCUMENTED ${a}`;
    });
    expect([...new Set(matched)].sort()).toEqual(rows);
  });
});
