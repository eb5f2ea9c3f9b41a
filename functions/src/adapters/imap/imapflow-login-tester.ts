import type { LoginFailureReason, TestLoginResult, TlsMode } from '@app/shared';
import { isIP } from 'node:net';
import type { ImapLoginTester } from '../../modules/migrations/ports.ts';
import { resolveImapTarget, type ImapTargetPolicy, type LookupAll } from './ssrf-guard.ts';
import { once } from '../../platform/once.ts';

type ImapError = Error & { code?: string; authenticationFailed?: boolean; tlsFailed?: boolean; responseStatus?: string };

const TLS_CODES = /^(ERR_SSL_|ERR_TLS_|EPROTO$|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_VERIFY_LEAF_SIGNATURE$|UNABLE_TO_GET_ISSUER_CERT|CERT_|ECONNRESET$|ClosedAfterConnectTLS$|UPGRADE_TIMEOUT$)/;

const MESSAGES: Record<LoginFailureReason, string> = {
  dns: 'The server name does not resolve (DNS).',
  refused: 'The server refused the connection: check the host and the port.',
  timeout: 'The server did not answer in time: check the host, the port and any firewall.',
  tls: 'The secure connection failed: check the TLS mode (implicit TLS on 993, STARTTLS on 143) and the certificate.',
  auth: 'The server rejected the user name or password.',
  blocked: 'This address is not allowed.',
  protocol: 'The server did not behave like an IMAP server.',
};

/** Maps an imapflow/socket error to a plain reason. Never echoes server text that might contain the user's input. */
export function classifyLoginError(err: ImapError, tls: TlsMode): LoginFailureReason {
  const code = err.code ?? '';
  if (err.authenticationFailed) return 'auth';
  if (err.tlsFailed) return 'tls';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'refused';
  if (code === 'ETIMEDOUT' || code === 'ETIMEOUT' || code === 'CONNECT_TIMEOUT' || code === 'GREETING_TIMEOUT') return tls === 'ssl' ? 'tls' : 'timeout';
  if (TLS_CODES.test(code) || /certificate|ssl|tls|wrong version/i.test(err.message)) return 'tls';
  if (code === 'ClosedAfterConnectText' || code === 'NoConnection') return tls === 'none' ? 'protocol' : 'tls';
  return 'protocol';
}

/**
 * imapflow (with iconv-lite, encoding-japanese and libmime: about 860 kB of the API bundle) is loaded on the
 * first test login, not at cold start: the bundler wraps a module that is only imported dynamically in a lazy
 * initialiser, so no request other than a test login pays for evaluating it.
 */
const loadImapflow = once(() => import('imapflow'));

/**
 * "Test login": one real IMAP LOGIN with imapflow against the pinned, checked address, then logout.
 * The credentials live only for this call.
 */
export function createImapflowLoginTester(opts: { policy: ImapTargetPolicy; timeoutMs?: number; lookup?: LookupAll }): ImapLoginTester {
  const timeout = opts.timeoutMs ?? 10_000;
  return {
    async testLogin(t): Promise<TestLoginResult> {
      const target = await resolveImapTarget(t.host, t.port, opts.policy, opts.lookup);
      if (!target.ok) return { ok: false, reason: target.reason, message: target.message };
      const host = t.host.replace(/^\[|\]$/g, '');
      const { ImapFlow } = await loadImapflow();
      const client = new ImapFlow({
        host: target.address,
        port: t.port,
        secure: t.tls === 'ssl',
        doSTARTTLS: t.tls === 'starttls' ? true : t.tls === 'none' ? false : undefined,
        ...(isIP(host) ? {} : { servername: host }),
        tls: { rejectUnauthorized: t.verifyCert, ...(isIP(host) ? {} : { servername: host }), minVersion: 'TLSv1.2' },
        auth: { user: t.user, pass: t.password },
        logger: false,
        disableAutoIdle: true,
        verifyOnly: true,
        connectionTimeout: timeout,
        greetingTimeout: timeout,
        socketTimeout: timeout,
      } as ConstructorParameters<typeof ImapFlow>[0] & { doSTARTTLS?: boolean });
      // imapflow also emits 'error' on the instance; without a listener that would crash the process.
      client.on('error', () => {});
      try {
        await client.connect();
        return { ok: true, message: 'Logged in successfully.' };
      } catch (err) {
        const reason = classifyLoginError(err as ImapError, t.tls);
        return { ok: false, reason, message: MESSAGES[reason] };
      } finally {
        client.close();
      }
    },
  };
}
