// Only what the AWS composition root reads secrets with, for its dynamic import (see ../ses/ses-sdk.ts).
export { SecretsManagerClient, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
