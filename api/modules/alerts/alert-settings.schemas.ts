import { z } from '@hono/zod-openapi';
import { EMAIL } from '../../config.js';

export const MAX_ALERT_EMAILS = 10;

export const AlertSettingsBody = z
  .strictObject({
    webhookUrl: z
      .string()
      .max(2048)
      .nullable()
      .openapi({ description: 'https URL receiving the tenant\'s signed alerts; null removes the webhook.', example: 'https://hooks.acme.com/grove' }),
    emails: z
      .array(z.string().max(254).regex(EMAIL, 'an e-mail address'))
      .max(MAX_ALERT_EMAILS)
      .default([])
      .openapi({ description: `Up to ${MAX_ALERT_EMAILS} recipients of alert e-mail (when the deployment has SMTP).` }),
    rotateWebhookSecret: z.boolean().default(false).openapi({ description: 'Issue a new signing secret for the same URL.' }),
  })
  .openapi('AlertSettingsBody');

export const AlertSettings = z
  .object({
    webhookUrl: z.string().nullable(),
    emails: z.array(z.string()),
    webhookSecretSet: z.boolean(),
    updatedAt: z.string().nullable(),
    webhookSecret: z
      .string()
      .optional()
      .openapi({ description: 'The signing secret, only in the answer that issued it (a new URL, or rotateWebhookSecret). Grove never shows it again.' }),
  })
  .openapi('AlertSettings');
