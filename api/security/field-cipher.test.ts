import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../test/support/database.js';
import { rows } from '../db/client.js';
import { tenants } from '../db/schema/tenants.js';
import { DataKeys } from './data-keys.js';
import { AesFieldCipher, DecryptionFailed, sealedVersion } from './field-cipher.js';
import { MasterKeys } from './master-keys.js';

let db: Awaited<ReturnType<typeof freshDatabase>>;
const masters = new MasterKeys(randomBytes(32));
let cipher: AesFieldCipher;
const tenantId = uuidv7();
const otherTenant = uuidv7();
const ref = { table: 'praise', column: 'message', rowId: uuidv7() };

beforeAll(async () => {
  db = await freshDatabase();
  if (!db.url) await db.handle.migrate(); // PostgreSQL's fresh database comes migrated
  await db.handle.db.insert(tenants).values([
    { id: tenantId, name: 'One' },
    { id: otherTenant, name: 'Two' },
  ]);
  cipher = new AesFieldCipher(new DataKeys(db.handle.db, masters, { ttlMs: 0 }));
  await cipher.prepare(tenantId, { write: true });
  await cipher.prepare(otherTenant, { write: true });
});
afterAll(() => db.drop());

describe('sealing', () => {
  it('round-trips text, and any changed byte of nonce, ciphertext or tag fails to open', () => {
    const sealed = cipher.seal(tenantId, ref, 'Merci beaucoup 🙏');
    expect(cipher.openOrThrow(tenantId, ref, sealed)).toBe('Merci beaucoup 🙏');
    const [, version, body] = sealed.split('.');
    const raw = Buffer.from(body!, 'base64url');
    for (const position of [0, 11, 12, raw.length - 17, raw.length - 16, raw.length - 1]) {
      const tampered = Buffer.from(raw);
      tampered[position]! ^= 0x01;
      expect(() => cipher.openOrThrow(tenantId, ref, `f1.${version}.${tampered.toString('base64url')}`), `byte ${position}`).toThrow(DecryptionFailed);
    }
    // A shortened tag is refused, not accepted as a weaker one.
    expect(() => cipher.openOrThrow(tenantId, ref, `f1.${version}.${raw.subarray(0, raw.length - 12).toString('base64url')}`)).toThrow(DecryptionFailed);
  });

  it('binds tenant, table, column and row: any other place fails', () => {
    const sealed = cipher.seal(tenantId, ref, 'bound');
    expect(() => cipher.openOrThrow(otherTenant, ref, sealed)).toThrow(DecryptionFailed);
    expect(() => cipher.openOrThrow(tenantId, { ...ref, rowId: uuidv7() }, sealed)).toThrow(DecryptionFailed);
    expect(() => cipher.openOrThrow(tenantId, { ...ref, table: 'comments' }, sealed)).toThrow(DecryptionFailed);
    expect(() => cipher.openOrThrow(tenantId, { ...ref, column: 'title' }, sealed)).toThrow(DecryptionFailed);
    expect(() => cipher.openOrThrow(tenantId, ref, 'plain text from before')).toThrow(DecryptionFailed);
  });

  it('draws a fresh random nonce every time', async () => {
    await cipher.keys.reserve(tenantId, 20_000);
    const nonces = new Set<string>();
    for (let i = 0; i < 20_000; i++) nonces.add(Buffer.from(cipher.seal(tenantId, ref, 'same text').split('.')[2]!, 'base64url').subarray(0, 12).toString('hex'));
    expect(nonces.size).toBe(20_000);
  });

  it('counts nonces in the database before using them, and refuses to seal without a reserve', async () => {
    const [key] = await rows<{ uses: number }>(db.handle.db, sql`select uses from platform.tenant_data_keys where tenant_id = ${tenantId}::uuid and state = 'active'`);
    expect(Number(key!.uses)).toBeGreaterThanOrEqual(20_000);
    const fresh = new AesFieldCipher(new DataKeys(db.handle.db, masters));
    await fresh.prepare(tenantId); // a read: keys, but no nonces
    expect(() => fresh.seal(tenantId, ref, 'x')).toThrow(/No data key ready/);
  });
});

describe('another instance', () => {
  it('opens what this one sealed, and seals under a new version as soon as its cache lapses', async () => {
    const other = new AesFieldCipher(new DataKeys(db.handle.db, masters, { ttlMs: 0 }));
    await cipher.prepare(tenantId, { write: true });
    const sealed = cipher.seal(tenantId, ref, 'shared');
    await other.prepare(tenantId, { write: true });
    expect(other.openOrThrow(tenantId, ref, sealed)).toBe('shared');
    const version = await cipher.keys.newVersion(tenantId);
    await other.prepare(tenantId, { write: true });
    const next = other.seal(tenantId, ref, 'after');
    expect(sealedVersion(next)).toBe(version);
    await cipher.prepare(tenantId);
    expect(cipher.openOrThrow(tenantId, ref, next)).toBe('after');
    expect(cipher.openOrThrow(tenantId, ref, sealed)).toBe('shared'); // retired versions still open
  });

  it('cannot unwrap the keys under another master', async () => {
    const stranger = new AesFieldCipher(new DataKeys(db.handle.db, new MasterKeys(randomBytes(32))));
    await expect(stranger.prepare(tenantId)).rejects.toThrow(/GROVE_PREVIOUS_MASTER_KEYS/);
  });
});

describe('values opened on the request path', () => {
  /** A fresh tenant, prepared for writes on a cipher of its own that records why values did not open. */
  async function recordingCipher(name: string) {
    const tenant = uuidv7();
    await db.handle.db.insert(tenants).values({ id: tenant, name });
    const refusals: string[] = [];
    const events = { record: (event: { details: { reason: string } }) => refusals.push(event.details.reason) };
    const cipher = new AesFieldCipher(new DataKeys(db.handle.db, masters), events as never);
    await cipher.prepare(tenant, { write: true });
    return { tenant, cipher, refusals };
  }

  it('are remembered in their place only: moved to another row or tenant, a remembered value still does not open', async () => {
    const { tenant, cipher: local, refusals } = await recordingCipher('Cached');
    const sealed = local.seal(tenant, ref, 'remembered');
    expect(local.open(tenant, ref, sealed)).toBe('remembered');
    expect(local.open(tenant, ref, sealed)).toBe('remembered');
    expect(local.open(tenant, { ...ref, rowId: uuidv7() }, sealed)).toBeUndefined();
    await local.prepare(otherTenant);
    expect(local.open(otherTenant, ref, sealed)).toBeUndefined();
    expect(refusals).toEqual(['authentication failed', 'authentication failed']);
  });

  it('go with their key: once the tenant\'s keys are destroyed, a value opened before does not open again', async () => {
    const { tenant, cipher: local, refusals } = await recordingCipher('Shredded');
    const sealed = local.seal(tenant, ref, 'to be shredded');
    expect(local.open(tenant, ref, sealed)).toBe('to be shredded');
    await local.keys.destroy(tenant);
    expect(local.open(tenant, ref, sealed)).toBeUndefined();
    expect(refusals).toEqual([`no key version ${sealedVersion(sealed)}`]);
  });
});
