import type { DnsProblem } from '@app/shared/schemas/dns';
import type { DnsLookupError } from './dns-lookup-error.ts';

/** What one record's diagnosis found, before it becomes a DnsRecordCheck. */
export interface RecordFinding {
  published: string[];
  problems: DnsProblem[];
  /** Set when the lookup at the expected host failed, so nothing can be said about the record. */
  failure?: DnsLookupError;
}

export function failedFinding(failure: DnsLookupError): RecordFinding {
  return { published: [], problems: [], failure };
}
