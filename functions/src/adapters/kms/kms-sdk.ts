// Only what the KMS adapters use, for their dynamic import (a namespace import of the package would keep every
// command of KMS in the bundle).
export { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
