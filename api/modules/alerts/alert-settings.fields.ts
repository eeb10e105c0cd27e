import type { EncryptedColumn, FieldRef } from '../../security/encrypted-columns.js';

/**
 * The webhook's signing secret is sealed by the field cipher under the tenant's data key, like
 * people's writing: so master rotation re-wraps it, `grove keys rotate-tenant` re-seals it, and
 * deleting the tenant shreds it. The row is the tenant's one row, so its id is the tenant id.
 */
export const alertWebhookSecret: EncryptedColumn = {
  table: 'alert_settings',
  column: 'webhook_secret_sealed',
  key: [{ name: 'tenant_id', type: 'uuid' }],
};
export const webhookSecretRef = (tenantId: string): FieldRef => ({ table: 'alert_settings', column: 'webhook_secret_sealed', rowId: tenantId });
