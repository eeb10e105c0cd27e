import { jsonb, text, timestamp } from 'drizzle-orm/pg-core';
import type { JWK } from 'jose';
import { platform } from './namespaces.js';

/** Ed25519 keys that sign widget tokens. The private half is stored encrypted under the master key. */
export const signingKeys = platform.table('signing_keys', {
  kid: text().primaryKey(),
  publicJwk: jsonb().$type<JWK>().notNull(),
  /** AES-256-GCM envelope of the PKCS#8 private key (see security/envelope.ts). */
  privateKeyEnc: text().notNull(),
  /** Fingerprint of the master key that sealed `private_key_enc` (null: sealed before ids were kept). */
  masterKeyId: text(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  /** No longer signs from this instant; still verifies until `verifyUntil`. */
  retiredAt: timestamp({ withTimezone: true }),
  /** Past this instant no token it signed can still be valid, and it leaves the JWKS. */
  verifyUntil: timestamp({ withTimezone: true }),
});
