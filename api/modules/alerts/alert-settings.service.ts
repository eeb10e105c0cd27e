import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { DatabaseHandle, Tx } from '../../db/client.js';
import { alertSettings } from '../../db/schema/alert-settings.js';
import type { TenantAlertTargets } from '../../security/alerts.js';
import { webhookSecretRef as secretRef } from './alert-settings.fields.js';
import type { FieldCipher } from '../../security/field-cipher.js';


type Row = typeof alertSettings.$inferSelect;

const view = (row: Row | undefined) => ({
  webhookUrl: row?.webhookUrl ?? null,
  emails: row?.emails ?? [],
  webhookSecretSet: !!row?.webhookSecretSealed,
  updatedAt: row?.updatedAt.toISOString() ?? null,
});

export async function readAlertSettings(tx: Tx, tenantId: string) {
  const [row] = await tx.select().from(alertSettings).where(eq(alertSettings.tenantId, tenantId));
  return view(row);
}

/**
 * Replaces the tenant's alert destinations. A webhook gets a new signing secret when it is first
 * set, when its URL changes, or on request; the answer carries that secret once, and the row only
 * its sealed form (signing needs it back, so it is encrypted rather than hashed).
 */
export async function writeAlertSettings(
  tx: Tx,
  tenantId: string,
  cipher: FieldCipher,
  input: { webhookUrl: string | null; emails: string[]; rotateWebhookSecret: boolean },
) {
  const [current] = await tx.select().from(alertSettings).where(eq(alertSettings.tenantId, tenantId)).for('update');
  const issue = input.webhookUrl !== null && (!current?.webhookSecretSealed || current.webhookUrl !== input.webhookUrl || input.rotateWebhookSecret);
  const secret = issue ? `whsec_${randomBytes(32).toString('base64url')}` : undefined;
  const values = {
    webhookUrl: input.webhookUrl,
    webhookSecretSealed: input.webhookUrl === null ? null : secret ? cipher.seal(tenantId, secretRef(tenantId), secret) : current!.webhookSecretSealed,
    emails: [...new Set(input.emails)],
    updatedAt: new Date(),
  };
  const [row] = await tx
    .insert(alertSettings)
    .values({ tenantId, ...values })
    .onConflictDoUpdate({ target: alertSettings.tenantId, set: values })
    .returning();
  return { ...view(row), ...(secret ? { webhookSecret: secret } : {}) };
}

/**
 * Reads one tenant's targets for the alert dispatcher, in a read-only unit of that tenant. The
 * tenant's keys load before the unit opens (PGlite has one connection). A secret that does not
 * open (its key destroyed with the tenant, or tampered) leaves the webhook out; the cipher
 * records the failure.
 */
export function tenantTargetsReader(database: DatabaseHandle, cipher: () => FieldCipher) {
  return async (tenantId: string): Promise<TenantAlertTargets | undefined> => {
    await cipher().prepare(tenantId);
    const [row] = await database.withTenant(
      tenantId,
      (tx) => tx.select().from(alertSettings).where(eq(alertSettings.tenantId, tenantId)),
      { readOnly: true },
    );
    if (!row) return undefined;
    const secret = row.webhookUrl && row.webhookSecretSealed ? cipher().open(tenantId, secretRef(tenantId), row.webhookSecretSealed) : undefined;
    const webhook = row.webhookUrl && secret ? { url: row.webhookUrl, secret } : undefined;
    return { webhook, emails: row.emails };
  };
}
