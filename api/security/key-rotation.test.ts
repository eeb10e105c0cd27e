import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testGrove, type TestGrove } from '../../test/support/grove.js';
import { loadConfig } from '../config.js';
import { rows } from '../db/client.js';
import { praise } from '../db/schema/praise.js';
import { createGrove } from '../grove.js';
import { praiseMessageRef } from '../modules/praise/praise.fields.js';
import type { AesFieldCipher } from './field-cipher.js';
import { rotateMasterKey, rotateTenantKey, sealPlaintextRows } from './key-operations.js';
import { masterKeyId } from './master-keys.js';

let t: TestGrove;
let cipher: AesFieldCipher;
beforeAll(async () => {
  t = await testGrove();
  cipher = t.grove.deps.cipher as AesFieldCipher;
});
afterAll(() => t.close());

/** Writes `count` praise rows as the API would (sealed), fast: in batches, below the routes. */
async function seedPraise(tenantId: string, giverId: string, count: number, sealed = true): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for (let done = 0; done < count; done += 500) {
    const size = Math.min(500, count - done);
    if (sealed) await t.grove.deps.dataKeys.reserve(tenantId, size);
    const values = Array.from({ length: size }, (_, i) => {
      const id = uuidv7();
      const text = `Praise number ${done + i} ${randomBytes(6).toString('hex')} ✨`;
      texts.set(id, text);
      return { tenantId, id, giverId, message: sealed ? cipher.seal(tenantId, praiseMessageRef(id), text) : text };
    });
    await t.db.handle.withTenant(tenantId, (tx) => tx.insert(praise).values(values));
  }
  return texts;
}

async function storedMessages(tenantId: string) {
  return rows<{ id: string; message: string }>(t.db.handle.db, sql`select id, message from app.praise where tenant_id = ${tenantId}::uuid order by id`);
}

/** Every row is there, sealed under `version`, and opens to exactly its original text. */
async function expectAllIntact(tenantId: string, texts: Map<string, string>, version: number) {
  const stored = (await storedMessages(tenantId)).filter((r) => texts.has(r.id));
  expect(stored).toHaveLength(texts.size);
  await t.grove.deps.dataKeys.prepare(tenantId);
  let wrong = 0;
  for (const row of stored) {
    if (!row.message.startsWith(`f1.${version}.`) || cipher.openOrThrow(tenantId, praiseMessageRef(row.id), row.message) !== texts.get(row.id)) wrong += 1;
  }
  expect(wrong).toBe(0);
}

async function keyStates(tenantId: string) {
  return rows<{ version: number; state: string; has_key: boolean }>(
    t.db.handle.db,
    sql`select version, state, wrapped_key is not null as has_key from platform.tenant_data_keys where tenant_id = ${tenantId}::uuid order by version`,
  );
}

describe('the data migration', () => {
  it('seals rows written before encryption, which then read intact through the API', async () => {
    const acme = await t.tenantWithPeople('Plain');
    const texts = await seedPraise(acme.tenant.id, acme.ids.ann!, 120, false);
    expect((await storedMessages(acme.tenant.id)).every((r) => !r.message.startsWith('f1.'))).toBe(true);
    // As on a database upgraded from before: the migration has not run for this column yet.
    await t.db.handle.db.execute(sql`delete from platform.data_migrations`);
    const { sealed } = await sealPlaintextRows(t.db.handle, cipher, { batchSize: 50 });
    expect(sealed).toBe(120);
    await expectAllIntact(acme.tenant.id, texts, 1);
    const feed = await t.request('GET', '/v1/praise?limit=100', { auth: await acme.token('cat'), origin: acme.origin });
    expect(feed.body.items).toHaveLength(100);
    for (const item of feed.body.items as Array<{ id: string; message: string }>) expect(item.message).toBe(texts.get(item.id));
    // Done once: the next start does not scan again.
    expect((await sealPlaintextRows(t.db.handle, cipher)).sealed).toBe(0);
  });
});

describe('grove keys rotate-tenant', () => {
  it('re-seals 3,000 rows; killed halfway (SIGKILL mid-batch) it resumes, and no row is lost or corrupted', async () => {
    const acme = await t.tenantWithPeople('Rotated');
    const tenantId = acme.tenant.id;
    const texts = await seedPraise(tenantId, acme.ids.ann!, 3000);
    const ids = [...texts.keys()].sort();
    let crashedAt: number;

    if (t.db.url) {
      // A row in the middle is held locked, so the child blocks inside batch 16 and is killed there.
      const holder = postgres(t.db.url, { max: 1, onnotice: () => {} });
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const locked = new Promise<void>((resolveLocked) => {
        void holder.begin(async (tx) => {
          await tx`select 1 from app.praise where tenant_id = ${tenantId} and id = ${ids[1550]!} for update`;
          resolveLocked();
          await released;
        });
      });
      await locked;
      const child = spawn(process.execPath, ['--import', 'tsx', 'api/cli/main.ts', 'keys', 'rotate-tenant', tenantId, '--batch-size', '100'], {
        env: {
          PATH: process.env.PATH,
          NODE_ENV: 'test',
          DATABASE_URL: t.db.url,
          GROVE_MASTER_KEY: t.config.masterKey.toString('base64'),
          GROVE_PLATFORM_KEY: t.config.platformKey,
          GROVE_DATA_DIR: t.config.dataDir,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
      // Fifteen batches committed, and the sixteenth waiting on the lock.
      await expect.poll(() => (output.match(/^batch praise\.message/gm) ?? []).length, { timeout: 60_000, interval: 50 }).toBe(15);
      await expect
        .poll(async () => (await rows<{ n: number }>(t.db.handle.db, sql`select count(*)::int as n from pg_locks where not granted`))[0]!.n, { timeout: 10_000 })
        .toBeGreaterThan(0);
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      release();
      await holder.end();
      crashedAt = 1500;
    } else {
      // PGlite has one process: the crash is an exception thrown after the fifteenth batch.
      let batches = 0;
      await expect(
        rotateTenantKey(t.db.handle, cipher, tenantId, {
          batchSize: 100,
          onBatch: () => {
            batches += 1;
            if (batches === 15) throw new Error('crash');
          },
        }),
      ).rejects.toThrow('crash');
      crashedAt = 1500;
    }

    // Halfway: progress recorded, the rows before it under version 2, the rest still under 1.
    const [progress] = await rows<{ state: string; last_key: string[]; rows_done: number }>(
      t.db.handle.db,
      sql`select state, last_key, rows_done from platform.key_rotations where tenant_id = ${tenantId}::uuid and table_name = 'praise'`,
    );
    expect(progress).toMatchObject({ state: 'running', rows_done: crashedAt, last_key: [ids[crashedAt - 1]] });
    const stored = await storedMessages(tenantId);
    expect(stored.filter((r) => r.message.startsWith('f1.2.'))).toHaveLength(crashedAt);
    expect(stored.filter((r) => r.message.startsWith('f1.1.'))).toHaveLength(3000 - crashedAt);
    // Meanwhile the API writes under the new version and reads both.
    const bob = await acme.token('bob');
    const during = await t.request('POST', '/v1/praise', { auth: await acme.token('ann'), origin: acme.origin, body: { recipientIds: [acme.ids.bob], message: 'Written mid-rotation' } });
    expect(during.status).toBe(201);
    expect((await storedMessages(tenantId)).find((r) => r.id === during.body.id)!.message).toMatch(/^f1\.2\./);
    texts.set(during.body.id, 'Written mid-rotation');
    const feed = await t.request('GET', '/v1/praise?limit=100', { auth: bob, origin: acme.origin });
    expect(feed.body.items).toHaveLength(100);

    const resumed = await rotateTenantKey(t.db.handle, cipher, tenantId, { batchSize: 100, settleMs: 0 });
    expect(resumed).toMatchObject({ resumed: true, version: 2, failed: 0, destroyedVersions: [1], keptVersions: [] });
    expect(resumed.resealed).toBe(3000 - crashedAt);
    await expectAllIntact(tenantId, texts, 2);
    expect(await keyStates(tenantId)).toEqual([
      { version: 1, state: 'destroyed', has_key: false },
      { version: 2, state: 'active', has_key: true },
    ]);
    const after = await t.request('GET', `/v1/praise/${ids[2999]}`, { auth: bob, origin: acme.origin });
    expect(after.body.message).toBe(texts.get(ids[2999]!));
  }, 120_000);
});

describe('nonce budget', () => {
  it('moves a tenant to a new key version once its key has sealed past the threshold', async () => {
    const small = await testGrove({}, { dataKeys: { rotateAtUses: 10, blockSize: 4 } });
    try {
      const acme = await small.tenantWithPeople('Busy');
      const ann = await acme.token('ann');
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) {
        const reply = await small.request('POST', '/v1/praise', { auth: ann, origin: acme.origin, body: { recipientIds: [acme.ids.bob], message: `Note ${i}` } });
        expect(reply.status).toBe(201);
        ids.push(reply.body.id);
      }
      const keys = await rows<{ version: number; state: string; uses: number }>(
        small.db.handle.db,
        sql`select version, state, uses from platform.tenant_data_keys where tenant_id = ${acme.tenant.id}::uuid order by version`,
      );
      expect(keys.length).toBeGreaterThan(1);
      expect(keys.at(-1)!.state).toBe('active');
      for (const key of keys.slice(0, -1)) {
        expect(key.state).toBe('retired');
        // Counted are reservations: the block that crossed the threshold was reserved, never used.
        expect(Number(key.uses)).toBeLessThanOrEqual(10 + 4);
      }
      const feed = await small.request('GET', '/v1/praise?limit=50', { auth: ann, origin: acme.origin });
      expect((feed.body.items as Array<{ message: string }>).map((i) => i.message).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `Note ${i}`).sort());
    } finally {
      await small.close();
    }
  });
});

describe('grove keys rotate-master', () => {
  it('re-wraps data and signing keys under the new master; the old one is needed only until then', async () => {
    const acme = await t.tenantWithPeople('Mastered');
    const given = await t.request('POST', '/v1/praise', { auth: await acme.token('ann'), origin: acme.origin, body: { recipientIds: [acme.ids.bob], message: 'Survives the master rotation' } });
    const oldMaster = t.config.masterKey.toString('base64');
    const newMaster = randomBytes(32).toString('base64');
    const env = { NODE_ENV: 'test', GROVE_DATA_DIR: t.config.dataDir, GROVE_PLATFORM_KEY: t.config.platformKey, GROVE_PUBLIC_URL: t.config.publicUrl };
    const open = (master: string, previous?: string) =>
      createGrove(loadConfig({ ...env, GROVE_MASTER_KEY: master, ...(previous ? { GROVE_PREVIOUS_MASTER_KEYS: previous } : {}) }), { database: t.db.handle, migrate: false });
    const read = async (grove: Awaited<ReturnType<typeof open>>) => {
      const response = await grove.app.request(`https://grove.test/v1/praise/${given.body.id}`, {
        headers: { authorization: `Bearer ${await acme.token('bob')}`, origin: acme.origin },
      });
      return ((await response.json()) as { message: string }).message;
    };

    // During the rotation: new master current, old one accepted for unwrapping.
    const during = await open(newMaster, `${randomBytes(32).toString('base64')},${oldMaster}`);
    expect(await read(during)).toBe('Survives the master rotation');
    const result = await rotateMasterKey(t.db.handle, during.deps.cipher as AesFieldCipher);
    expect(result.remaining).toBe(0);
    expect(result.dataKeys).toBeGreaterThan(0);
    expect(result.signingKeys).toBeGreaterThan(0);
    expect((await rotateMasterKey(t.db.handle, during.deps.cipher as AesFieldCipher)).dataKeys).toBe(0); // a second run has nothing to do
    await during.close();
    const ids = await rows<{ id: string }>(
      t.db.handle.db,
      sql`select distinct master_key_id as id from platform.tenant_data_keys where wrapped_key is not null
          union select distinct master_key_id from platform.signing_keys`,
    );
    expect(ids).toEqual([{ id: masterKeyId(Buffer.from(newMaster, 'base64')) }]);

    // After: the new master alone opens everything; the old one alone opens nothing.
    const after = await open(newMaster);
    expect(await read(after)).toBe('Survives the master rotation');
    await after.close();
    await expect(open(oldMaster)).rejects.toThrow();
  });
});
