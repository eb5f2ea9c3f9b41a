import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { READ_OPERATIONS, WRITE_OPERATIONS, type TableGrant } from '../../../functions/src/adapters/dynamodb/table-access.ts';
import { GSI1 } from '../../../functions/src/adapters/dynamodb/table-definition.ts';

/** The IAM condition that limits a statement to items whose partition key matches one of `patterns`. */
export const leadingKeys = (patterns: readonly string[]) => ({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...patterns] } });

/**
 * Grants a runtime the items of the table its TableGrant names (functions/src/adapters/dynamodb/table-access.ts),
 * by partition key: reads of what it reads or writes, writes of what it writes, queries of the index partitions it
 * lists. No Scan is granted: with `ForAllValues`, a request naming no partition key would match vacuously, and Scan
 * names none. Queries on the index are matched on the index's partition key (gsi1pk).
 */
export function grantTableAccess(table: ITable, grantee: IGrantable, grant: TableGrant): void {
  const readable = [...new Set([...grant.read, ...grant.write])];
  if (readable.length) Grant.addToPrincipal({ grantee, actions: READ_OPERATIONS.map((op) => `dynamodb:${op}`), resourceArns: [table.tableArn], conditions: leadingKeys(readable) });
  if (grant.write.length) Grant.addToPrincipal({ grantee, actions: WRITE_OPERATIONS.map((op) => `dynamodb:${op}`), resourceArns: [table.tableArn], conditions: leadingKeys(grant.write) });
  if (grant.indexRead.length) Grant.addToPrincipal({ grantee, actions: ['dynamodb:Query'], resourceArns: [`${table.tableArn}/index/${GSI1}`], conditions: leadingKeys(grant.indexRead) });
}
