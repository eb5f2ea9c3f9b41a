// Only what the SQS job queue uses, for its dynamic import (a namespace import of the package would keep every
// command of SQS in the bundle).
export { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
