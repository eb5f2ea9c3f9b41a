import { whyNot, type AdminRole, type MailDelivery, type MailSettings, type UpdateMailSettingsInput } from '@app/shared';
import { ForbiddenError } from '../errors.ts';

export type StoredMailSettings = Omit<MailSettings, 'defaultFrom' | 'delivery'>;

export interface MailSettingsStore {
  get(): Promise<StoredMailSettings | undefined>;
  /** Writes when the stored version equals `expectedVersion` (0 = never saved); else ConflictError. */
  save(settings: StoredMailSettings, expectedVersion: number): Promise<void>;
}

/**
 * Sender and extra recipients, editable in Settings; the sender falls back to the deployment's MAIL_FROM.
 * `delivery` (default SES) only tells the UI where emails go.
 */
export function makeMailSettings(deps: { store: MailSettingsStore; defaultFrom: string; delivery?: MailDelivery }) {
  const delivery = deps.delivery ?? { via: 'ses', outboxDir: null, smtp: false };
  const fixed = { defaultFrom: deps.defaultFrom, delivery };
  const get = async (): Promise<MailSettings> => ({ ...((await deps.store.get()) ?? { from: null, extraRecipients: [], version: 0 }), ...fixed });
  return {
    get,
    /** Changing who receives notifications is an owner's power (`role`): someone could otherwise silence or redirect them. */
    async update(input: UpdateMailSettingsInput, role?: AdminRole): Promise<MailSettings> {
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
