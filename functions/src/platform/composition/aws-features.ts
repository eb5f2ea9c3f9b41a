// The features the AWS root loads on first use, in one module: one chunk, so a cold start's shared chunks
// are not split further by each feature's own set of imports (every extra file costs a cold start time).
export { buildDnsFeature } from './build-dns-feature.ts';
export { buildAwsMigrationFeature } from './aws-migrations.ts';
