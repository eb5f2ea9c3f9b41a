import type { DnsProviderKind } from '@app/shared/schemas/dns-cutover';

const PROVIDER_NAME: Record<DnsProviderKind, string> = { route53: 'Route 53', sandbox: "The sandbox's DNS" };

/**
 * The DNS provider refused or could not be reached, so the panel does not know the zone's state or could not change
 * it. Mapped to 502 in http/on-error.ts; the message names the provider and what to do, never a credential.
 */
export class DnsProviderError extends Error {
  override readonly name = 'DnsProviderError';
  constructor(
    readonly provider: DnsProviderKind,
    readonly step: 'read' | 'change',
    detail: string,
    options?: ErrorOptions,
  ) {
    super(
      step === 'read'
        ? `${PROVIDER_NAME[provider]} could not be read (${detail}). Nothing was changed; try again, or publish the records yourself.`
        : `${PROVIDER_NAME[provider]} refused the change (${detail}). It applies all records or none, so nothing was changed; try again, or publish the records yourself.`,
      options,
    );
  }
}
