// Only what the Route 53 adapter uses, for its dynamic import (see ../ses/ses-sdk.ts).
export { Route53Client, ChangeResourceRecordSetsCommand, GetChangeCommand, ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
