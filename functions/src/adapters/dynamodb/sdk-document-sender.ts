import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as Lib from '@aws-sdk/lib-dynamodb';
import type { DocumentCommand, DocumentOutputs, DocumentSender } from './document-commands.ts';

/** Our document commands carried out by the SDK's DocumentClient (same marshalling options as the lite client). */
export function createSdkDocumentSender(client: DynamoDBClient): DocumentSender {
  const doc = Lib.DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const toSdk = (c: DocumentCommand) => {
    switch (c.operation) {
      case 'GetItem':
        return new Lib.GetCommand(c.input);
      case 'PutItem':
        return new Lib.PutCommand(c.input);
      case 'UpdateItem':
        return new Lib.UpdateCommand(c.input);
      case 'DeleteItem':
        return new Lib.DeleteCommand(c.input);
      case 'Query':
        return new Lib.QueryCommand(c.input);
      case 'Scan':
        return new Lib.ScanCommand(c.input);
      case 'BatchGetItem':
        return new Lib.BatchGetCommand(c.input);
      case 'BatchWriteItem':
        return new Lib.BatchWriteCommand(c.input);
    }
  };
  return {
    send: async <C extends DocumentCommand>(command: C) => {
      // The union of SDK commands has no single send overload; the output is the command's own.
      const { $metadata: _, ...out } = await doc.send(toSdk(command) as Lib.GetCommand);
      return out as unknown as DocumentOutputs[C['operation']];
    },
    destroy: () => doc.destroy(),
  };
}
