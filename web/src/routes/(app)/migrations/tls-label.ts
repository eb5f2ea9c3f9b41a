import type { TlsMode } from '@app/shared';

export const TLS_LABEL: Record<TlsMode, string> = { ssl: 'Implicit TLS', starttls: 'STARTTLS', none: 'No TLS' };

/** The usual port for each mode, offered when the person switches mode and has not typed another port. */
export const DEFAULT_PORT: Record<TlsMode, number> = { ssl: 993, starttls: 143, none: 143 };
