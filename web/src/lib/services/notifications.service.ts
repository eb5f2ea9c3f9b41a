import { MailSettings, NotificationResult, type SendTestEmailInput, type UpdateMailSettingsInput } from '@app/shared';
import { api } from '$lib/api/client.ts';

/** Settings → Notifications: sender, extra recipients, and "Send test email". */
export const notificationsService = {
  get: () => api.get('/api/notifications/settings', MailSettings),
  update: (input: UpdateMailSettingsInput) => api.put('/api/notifications/settings', input, MailSettings),
  sendTest: (input: SendTestEmailInput = {}) => api.post('/api/notifications/test', input, NotificationResult),
};
