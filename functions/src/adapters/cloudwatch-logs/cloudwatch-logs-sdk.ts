// Only what the run log reader uses, for its dynamic import (a namespace import of the package would keep every
// command of CloudWatch Logs in the bundle).
export { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
