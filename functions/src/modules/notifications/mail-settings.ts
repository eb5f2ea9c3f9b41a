import { whyNot, type AdminRole, type MailDelivery, type MailSettings, type UpdateMailSettingsInput } from '@app/shared';
import { ForbiddenError, ValidationError } from '../errors.ts';

export type StoredMailSettings = Omit<MailSettings, 'defaultFrom' | 'delivery'>;

export interface MailSettingsStore {
  get(): Promise<StoredMailSettings | undefined>;
  /** Writes when the stored version equals `expectedVersion` (0 = never saved); else ConflictError. */
  save(settings: StoredMailSettings, expectedVersion: number): Promise<void>;
}

/** True when `address` is one of `identities` or at one of them (a domain identity covers its addresses). */
export function senderCovered(address: string, identities: readonly string[]): boolean {
  const lower = address.toLowerCase();
  const domain = lower.split('@')[1];
  return identities.some((id) => id.toLowerCase() === lower || id.toLowerCase() === domain);
}

/**
 * Sender and extra recipients, editable in Settings; the sender falls back to the deployment's MAIL_FROM.
 * `delivery` (default SES) only tells the UI where emails go. `senderIdentities` (SES on AWS: MAIL_FROM_IDENTITIES)
 * are what the deployment may send from: a sender none of them covers is refused when saved, with how to allow it,
 * instead of failing every email later with AccessDenied. Unset (locally) any sender is accepted.
 */
export function makeMailSettings(deps: { store: MailSettingsStore; defaultFrom: string; delivery?: MailDelivery; senderIdentities?: readonly string[] }) {
  const delivery = deps.delivery ?? { via: 'ses', outboxDir: null, smtp: false };
  const fixed = { defaultFrom: deps.defaultFrom, delivery };
  const get = async (): Promise<MailSettings> => ({ ...((await deps.store.get()) ?? { from: null, extraRecipients: [], version: 0 }), ...fixed });
  return {
    get,
    /** Changing who receives notifications is an owner's power (`role`): someone could otherwise silence or redirect them. */
    async update(input: UpdateMailSettingsInput, role?: AdminRole): Promise<MailSettings> {
      const identities = deps.senderIdentities;
      if (input.from && identities?.length && !senderCovered(input.from, identities)) {
        const allowed = identities.map((i) => (i.includes('@') ? i : `any address at ${i}`)).join(', ');
        const message =
          `This deployment cannot send from ${input.from}: SES lets it send from ${allowed} only. ` +
          `To allow it, verify the address or its domain in SES and deploy again with -c extraSenderIdentities=${input.from.split('@')[1]} (infra/README.md, "Email (SES)").`;
        throw new ValidationError(message, [{ path: 'from', message }]);
      }
      const current = await get();
      const recipients = (list: readonly string[]) => [...new Set(list.map((e) => e.toLowerCase()))].sort().join(',');
      const refused = input.extraRecipients && recipients(input.extraRecipients) !== recipients(current.extraRecipients) && whyNot(role, 'notification-recipients');
      if (refused) throw new ForbiddenError(refused);
      const next: StoredMailSettings = {
        from: input.from === undefined ? current.from : input.from,
        extraRecipients: input.extraRecipients ? [...new Set(input.extraRecipients.map((e) => e.toLowerCase()))] : current.extraRecipients,
        version: input.version + 1,
      };
      await deps.store.save(next, input.version);
      return { ...next, ...fixed };
    },
    /** The address notifications are sent from. */
    sender: async (): Promise<string> => (await get()).from ?? deps.defaultFrom,
  };
}
export type MailSettingsModule = ReturnType<typeof makeMailSettings>;
