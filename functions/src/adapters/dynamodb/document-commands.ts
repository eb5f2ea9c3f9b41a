import type * as Lib from '@aws-sdk/lib-dynamodb';

/*
 * The document commands the stores send, with the same names and input shapes as @aws-sdk/lib-dynamodb's, but
 * plain data: each names its DynamoDB operation and a DocumentSender (document-sender.ts) carries it out. The
 * types come from lib-dynamodb as type-only imports, so importing this module loads none of the SDK.
 */

type Out<T> = Omit<T, '$metadata'>;

export type GetCommandInput = Lib.GetCommandInput;
export type PutCommandInput = Lib.PutCommandInput;
export type UpdateCommandInput = Lib.UpdateCommandInput;
export type DeleteCommandInput = Lib.DeleteCommandInput;
export type QueryCommandInput = Lib.QueryCommandInput;
export type ScanCommandInput = Lib.ScanCommandInput;
export type BatchGetCommandInput = Lib.BatchGetCommandInput;
export type BatchWriteCommandInput = Lib.BatchWriteCommandInput;

export type GetCommandOutput = Out<Lib.GetCommandOutput>;
export type PutCommandOutput = Out<Lib.PutCommandOutput>;
export type UpdateCommandOutput = Out<Lib.UpdateCommandOutput>;
export type DeleteCommandOutput = Out<Lib.DeleteCommandOutput>;
export type QueryCommandOutput = Out<Lib.QueryCommandOutput>;
export type ScanCommandOutput = Out<Lib.ScanCommandOutput>;
export type BatchGetCommandOutput = Out<Lib.BatchGetCommandOutput>;
export type BatchWriteCommandOutput = Out<Lib.BatchWriteCommandOutput>;

export class GetCommand {
  readonly operation = 'GetItem' as const;
  constructor(readonly input: GetCommandInput) {}
}
export class PutCommand {
  readonly operation = 'PutItem' as const;
  constructor(readonly input: PutCommandInput) {}
}
export class UpdateCommand {
  readonly operation = 'UpdateItem' as const;
  constructor(readonly input: UpdateCommandInput) {}
}
export class DeleteCommand {
  readonly operation = 'DeleteItem' as const;
  constructor(readonly input: DeleteCommandInput) {}
}
export class QueryCommand {
  readonly operation = 'Query' as const;
  constructor(readonly input: QueryCommandInput) {}
}
export class ScanCommand {
  readonly operation = 'Scan' as const;
  constructor(readonly input: ScanCommandInput) {}
}
export class BatchGetCommand {
  readonly operation = 'BatchGetItem' as const;
  constructor(readonly input: BatchGetCommandInput) {}
}
export class BatchWriteCommand {
  readonly operation = 'BatchWriteItem' as const;
  constructor(readonly input: BatchWriteCommandInput) {}
}

export type DocumentCommand = GetCommand | PutCommand | UpdateCommand | DeleteCommand | QueryCommand | ScanCommand | BatchGetCommand | BatchWriteCommand;

/** What each command answers, by its operation. */
export interface DocumentOutputs {
  GetItem: GetCommandOutput;
  PutItem: PutCommandOutput;
  UpdateItem: UpdateCommandOutput;
  DeleteItem: DeleteCommandOutput;
  Query: QueryCommandOutput;
  Scan: ScanCommandOutput;
  BatchGetItem: BatchGetCommandOutput;
  BatchWriteItem: BatchWriteCommandOutput;
}

/** Sends document commands: the lite client (dynamodb-lite-client.ts) or the SDK (sdk-document-sender.ts). */
export interface DocumentSender {
  send<C extends DocumentCommand>(command: C): Promise<DocumentOutputs[C['operation']]>;
  /** Closes kept-alive connections. */
  destroy(): void;
}
