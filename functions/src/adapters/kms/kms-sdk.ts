// Only the client, for the worker's dynamic import (see ../ses/ses-sdk.ts).
export { KMSClient } from '@aws-sdk/client-kms';
