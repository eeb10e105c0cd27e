import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { DatabaseHandle, Tx } from '../../db/client.js';
import { alertSettings } from '../../db/schema/alert-settings.js';
import type { TenantAlertTargets } from '../../security/alerts.js';
import { open, seal } from '../../security/envelope.js';

/** The sealed secret is bound to its tenant: copied to another tenant's row, it does not open. */
const secretContext = (tenantId: string) => `grove:alert-settings:${tenantId}:webhook-secret`;

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
  masterKey: Buffer,
  input: { webhookUrl: string | null; emails: string[]; rotateWebhookSecret: boolean },
) {
  const [current] = await tx.select().from(alertSettings).where(eq(alertSettings.tenantId, tenantId)).for('update');
  const issue = input.webhookUrl !== null && (!current?.webhookSecretSealed || current.webhookUrl !== input.webhookUrl || input.rotateWebhookSecret);
  const secret = issue ? `whsec_${randomBytes(32).toString('base64url')}` : undefined;
  const values = {
    webhookUrl: input.webhookUrl,
    webhookSecretSealed: input.webhookUrl === null ? null : secret ? seal(masterKey, secret, secretContext(tenantId)) : current!.webhookSecretSealed,
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

/** Reads one tenant's targets for the alert dispatcher, in a read-only unit of that tenant. */
export function tenantTargetsReader(database: DatabaseHandle, masterKey: Buffer) {
  return async (tenantId: string): Promise<TenantAlertTargets | undefined> => {
    const [row] = await database.withTenant(
      tenantId,
      (tx) => tx.select().from(alertSettings).where(eq(alertSettings.tenantId, tenantId)),
      { readOnly: true },
    );
    if (!row) return undefined;
    const webhook =
      row.webhookUrl && row.webhookSecretSealed
        ? { url: row.webhookUrl, secret: open(masterKey, row.webhookSecretSealed, secretContext(tenantId)).toString() }
        : undefined;
    return { webhook, emails: row.emails };
  };
}
