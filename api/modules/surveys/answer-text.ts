/**
 * The one door through which open-text answers (people's writing) reach and leave the database.
 *
 * INTEGRATOR: the field cipher from the encryption-at-rest branch (issue 4) is wired here and
 * nowhere else: `sealAnswerText` encrypts with the tenant's data key, `openAnswerText` decrypts.
 * Until that branch is merged both pass the text through unchanged; every survey write and read
 * of answer text already goes through them (results.sql.ts reads sealed text and opens it here).
 */
export function sealAnswerText(tenantId: string, text: string): string {
  void tenantId; // the key is per tenant once the cipher is wired in
  return text;
}

export function openAnswerText(tenantId: string, sealed: string): string {
  void tenantId;
  return sealed;
}
