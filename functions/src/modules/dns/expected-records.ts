import type { DnsRecordKind, DnsRecordType } from '@app/shared/schemas/dns';
import { normalizeDnsName } from './dns-name.ts';

export const PURELYMAIL_MX_HOST = 'mailserver.purelymail.com';
/** PurelyMail's sources disagree (10 or 50) and the check ignores it; we suggest 10. */
export const PURELYMAIL_MX_PRIORITY = 10;
export const PURELYMAIL_SPF_INCLUDE = 'include:_spf.purelymail.com';
export const PURELYMAIL_SPF_RECORD = `v=spf1 ${PURELYMAIL_SPF_INCLUDE} ~all`;
export const PURELYMAIL_DMARC_TARGET = 'dmarcroot.purelymail.com';
export const DKIM_SELECTORS = ['purelymail1', 'purelymail2', 'purelymail3'] as const;

export interface ExpectedRecord {
  kind: DnsRecordKind;
  /** Fully qualified, lower case, no trailing dot. */
  host: string;
  type: DnsRecordType;
  value: string;
  priority?: number;
}

export function dkimHost(domain: string, index: 1 | 2 | 3): string {
  return `purelymail${index}._domainkey.${normalizeDnsName(domain)}`;
}

export function dkimTarget(index: 1 | 2 | 3): string {
  return `key${index}.dkimroot.purelymail.com`;
}

export function dmarcHost(domain: string): string {
  return `_dmarc.${normalizeDnsName(domain)}`;
}

/**
 * The exact records PurelyMail expects for `domain`, in display order.
 * `ownershipCode` is `getOwnershipCode().code` verbatim; pass null when it is unknown to leave that record out.
 */
export function expectedRecords(domain: string, ownershipCode: string | null): ExpectedRecord[] {
  const apex = normalizeDnsName(domain);
  const records: ExpectedRecord[] = [];
  if (ownershipCode !== null) {
    records.push({ kind: 'ownership', host: apex, type: 'TXT', value: ownershipCode.trim() });
  }
  records.push(
    { kind: 'mx', host: apex, type: 'MX', value: PURELYMAIL_MX_HOST, priority: PURELYMAIL_MX_PRIORITY },
    { kind: 'spf', host: apex, type: 'TXT', value: PURELYMAIL_SPF_RECORD },
    { kind: 'dkim1', host: dkimHost(apex, 1), type: 'CNAME', value: dkimTarget(1) },
    { kind: 'dkim2', host: dkimHost(apex, 2), type: 'CNAME', value: dkimTarget(2) },
    { kind: 'dkim3', host: dkimHost(apex, 3), type: 'CNAME', value: dkimTarget(3) },
    { kind: 'dmarc', host: dmarcHost(apex), type: 'CNAME', value: PURELYMAIL_DMARC_TARGET },
  );
  return records;
}
