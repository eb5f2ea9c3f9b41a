import { createHash, randomBytes } from 'node:crypto';
import type { CreateHandoverLinksInput, HandoverLinks, PublicHandover } from '@app/shared';
import type { Clock } from '../../platform/clock.ts';
import { rateLimitKeyForIp } from '../auth/client-ip-bucket.ts';
import { mapLimit } from '../batches/batch-ids.ts';
import type { RateCounter } from '../campaigns/ports.ts';
import { GoneError, NotFoundError, TooManyRequestsError, ValidationError } from '../errors.ts';
import type { SecretContext, SecretOpener, SecretSealer } from '../secrets/ports.ts';
import type { HandoverRecord, HandoverStore } from './ports.ts';

/**
 * The KMS encryption context purpose of hand-over passwords: only the api seals and opens them (its role's KMS grant
 * names this purpose; no other function's does).
 */
export const USER_HANDOVER_SECRET_PURPOSE = 'user-handover';
const context = (tokenHash: string): SecretContext => ({ purpose: USER_HANDOVER_SECRET_PURPOSE, kind: 'user-handover', id: tokenHash });
export const hashHandoverToken = (token: string) => createHash('sha256').update(token).digest('hex');
export const handoverLink = (panelUrl: string, token: string) => `${panelUrl.replace(/\/+$/, '')}/h/#t=${token}`;

const QUARTER = 15 * 60_000;
const NOT_VALID = 'This link is not valid. Check that it was copied whole, or ask your administrator for a new one.';

export interface UserHandoverDeps {
  store: HandoverStore;
  box: SecretSealer & SecretOpener;
  /** Whether the address is a user of the account (the cache; PurelyMail when the cache cannot tell). */
  userExists(address: string): Promise<boolean>;
  counter: RateCounter;
  clock: Clock;
  panelUrl: string;
  /** USER_HANDOVER_LINK_HOURS: how long a link can be opened. */
  validHours: number;
  /** Opens per client IP (IPv6 by /64) per 15 minutes, every attempt counted (USER_HANDOVER_OPENS_PER_IP_PER_15_MIN). */
  opensPerIpPer15Min: number;
}

/**
 * One-time hand-over links for users a CSV import created (the admin asks for them from the import's hand-over).
 * create: 1. Every address is a user of the account  2. Per user a 256-bit token; only its SHA-256 is kept  3. The
 *         password sealed bound to that hash  4. One write per link; the links answered once.
 * open:   1. Per-IP limit (every attempt counts)  2. Find by hash: unknown → 404, opened → 410 "already opened",
 *         expired → 410 "expired"  3. Open the sealed password  4. One conditional write spends the link and removes
 *         the sealed password: of two opens at once exactly one shows it  5. The address and password, once.
 */
export function makeUserHandover(deps: UserHandoverDeps) {
  return {
    validHours: deps.validHours,
    async create(input: CreateHandoverLinksInput, actor: string): Promise<HandoverLinks> {
      const unknown: string[] = [];
      for (const c of input.credentials) if (!(await deps.userExists(c.address))) unknown.push(c.address);
      if (unknown.length) {
        throw new ValidationError(`${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''} ${unknown.length === 1 ? 'is' : 'are'} not a user of this account: no link was made.`, [
          { path: 'credentials', message: 'names an address that is not a user' },
        ]);
      }
      const now = deps.clock.now();
      const expiresAt = new Date(now.getTime() + deps.validHours * 3_600_000).toISOString();
      const made = await mapLimit(input.credentials, 8, async (c) => {
        const token = randomBytes(32).toString('base64url');
        const tokenHash = hashHandoverToken(token);
        const record: HandoverRecord = { tokenHash, address: c.address, sealedPassword: await deps.box.seal(c.password, context(tokenHash)), createdBy: actor, createdAt: now.toISOString(), linkExpiresAt: expiresAt, openedAt: null };
        return { record, link: { address: c.address, url: handoverLink(deps.panelUrl, token) } };
      });
      await deps.store.createMany(made.map((m) => m.record));
      return { links: made.map((m) => m.link), expiresAt, validHours: deps.validHours };
    },
    async open(token: string, ip: string, onAddress: (address: string) => void): Promise<PublicHandover> {
      const now = deps.clock.now();
      const hits = await deps.counter.hit(`handover-ip#${hashHandoverToken(rateLimitKeyForIp(ip)).slice(0, 32)}`, now.getTime(), QUARTER);
      if (hits > deps.opensPerIpPer15Min) throw new TooManyRequestsError('Too many attempts. Wait a while, then try again.', Math.ceil(QUARTER / 1000));
      const tokenHash = hashHandoverToken(token);
      const r = await deps.store.get(tokenHash);
      if (!r) throw new NotFoundError(NOT_VALID);
      onAddress(r.address);
      if (r.openedAt || !r.sealedPassword) throw new GoneError('This link was already opened, so it no longer shows the password. If that was not you, ask your administrator for a new password.');
      if (Date.parse(r.linkExpiresAt) <= now.getTime()) throw new GoneError(`This link expired: it could be opened for ${Math.round((Date.parse(r.linkExpiresAt) - Date.parse(r.createdAt)) / 3_600_000)} hours. Ask your administrator for a new password.`);
      const password = await deps.box.open(r.sealedPassword, context(tokenHash));
      const openedAt = now.toISOString();
      if (!(await deps.store.markOpened(tokenHash, openedAt))) throw new GoneError('This link was just opened elsewhere, so it no longer shows the password. If that was not you, ask your administrator for a new password.');
      return { address: r.address, password, openedAt };
    },
  };
}
export type UserHandover = ReturnType<typeof makeUserHandover>;
