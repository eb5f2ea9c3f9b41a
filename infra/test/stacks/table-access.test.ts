import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { grantAllows, READ_OPERATIONS, TABLE_ACCESS, WRITE_OPERATIONS, type TableRuntime } from '../../../functions/src/adapters/dynamodb/table-access.ts';
import { statementsOfRole, type AttachedStatement } from '../support/iam.ts';
import { buildTestApp } from '../support/synth-app.ts';

const ROLES: Record<TableRuntime, { stack: 'migrator' | 'api'; role: string }> = {
  worker: { stack: 'migrator', role: 'MigratorTaskDefinitionTaskRole' },
  dispatch: { stack: 'migrator', role: 'DispatchRole' },
  scheduled: { stack: 'api', role: 'ScheduledRole' },
};

const dynamo = (statements: AttachedStatement[]) => statements.filter((s) => s.actions.some((a) => a.startsWith('dynamodb:')));
const patternsOf = (s: AttachedStatement) => (s.condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] as string[] | undefined) ?? [];
const onIndex = (s: AttachedStatement) => JSON.stringify(s.resources).includes('/index/');

/**
 * The worker, the dispatch function and the scheduled function reach only their items: every DynamoDB statement of
 * their roles carries a dynamodb:LeadingKeys condition built from table-access.ts (which the functions' table-access
 * test checks against every request they send). Sessions are the api's alone.
 */
describe('DynamoDB least privilege (dynamodb:LeadingKeys per role)', () => {
  let templates: Record<'migrator' | 'api', Template>;
  beforeAll(() => {
    const { stacks } = buildTestApp({ nag: false });
    templates = { migrator: Template.fromStack(stacks.migrator), api: Template.fromStack(stacks.api) };
  });

  for (const runtime of Object.keys(ROLES) as TableRuntime[]) {
    it(`${runtime}: reads, writes and index queries limited to its grant's partition keys, no Scan, no index wildcard`, () => {
      const grant = TABLE_ACCESS[runtime];
      const statements = dynamo(statementsOfRole(templates[ROLES[runtime].stack], ROLES[runtime].role));
      expect(statements.length).toBeGreaterThan(0);
      for (const s of statements) {
        expect(patternsOf(s), `${runtime}: ${s.actions.join(',')} without a LeadingKeys condition`).not.toEqual([]);
        expect(s.actions).not.toContain('dynamodb:Scan');
        expect(JSON.stringify(s.resources)).not.toContain('index/*');
      }
      const tableReads = statements.filter((s) => !onIndex(s) && s.actions.includes('dynamodb:GetItem'));
      expect(tableReads).toHaveLength(1);
      expect(tableReads[0]!.actions.sort()).toEqual(READ_OPERATIONS.map((o) => `dynamodb:${o}`).sort());
      expect(patternsOf(tableReads[0]!).sort()).toEqual([...new Set([...grant.read, ...grant.write])].sort());
      const writes = statements.filter((s) => s.actions.includes('dynamodb:PutItem'));
      expect(writes).toHaveLength(1);
      expect(writes[0]!.actions.sort()).toEqual(WRITE_OPERATIONS.map((o) => `dynamodb:${o}`).sort());
      expect(patternsOf(writes[0]!).sort()).toEqual([...grant.write].sort());
      const index = statements.filter(onIndex);
      if (grant.indexRead.length === 0) expect(index).toEqual([]);
      else {
        expect(index).toHaveLength(1);
        expect(index[0]!.actions).toEqual(['dynamodb:Query']);
        expect(JSON.stringify(index[0]!.resources)).toMatch(/\/index\/gsi1"/);
        expect(patternsOf(index[0]!).sort()).toEqual([...grant.indexRead].sort());
      }
    });
  }

  it('keeps sessions, login throttles, setup and 2FA challenges to the api, and admin items to the api (others list admins through the index)', () => {
    for (const runtime of Object.keys(ROLES) as TableRuntime[]) {
      for (const key of ['SESSION#abc', 'THROTTLE#login#x', 'SETUP', 'MFACHALLENGE#abc', 'ADMIN#ops@example.com']) {
        expect(grantAllows(TABLE_ACCESS[runtime], { operation: 'GetItem', key }), `${runtime} ${key}`).toBe(false);
      }
    }
    expect(grantAllows(TABLE_ACCESS.worker, { operation: 'Query', index: 'gsi1', key: 'ADMINS' })).toBe(false);
    expect(grantAllows(TABLE_ACCESS.worker, { operation: 'GetItem', key: 'SETTINGS' })).toBe(false);
    // The api: the whole table (it is the panel).
    const api = dynamo(statementsOfRole(templates.api, 'ApiRole'));
    expect(api.some((s) => s.actions.includes('dynamodb:GetItem') && !s.condition)).toBe(true);
  });
});
