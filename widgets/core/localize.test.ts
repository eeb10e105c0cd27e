import { describe, expect, it } from 'vitest';
import { en } from './locales/en.js';
import { fr } from './locales/fr.js';
import { loadMessages, messagesFor, relativeTime, resolveLocale } from './localize.js';

/** Every key path of a catalog, nested objects included, with the kind of value. */
function shape(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === 'object' ? shape(v as object, `${prefix}${k}.`) : [`${prefix}${k}:${typeof v}`],
  );
}

describe('resolveLocale', () => {
  it('prefers the attribute, then the token, then <html lang>, then the browser', () => {
    const all = { attribute: 'fr', token: 'de', html: 'es', navigator: 'it' };
    expect(resolveLocale(all)).toBe('fr');
    expect(resolveLocale({ ...all, attribute: null })).toBe('de');
    expect(resolveLocale({ ...all, attribute: '', token: undefined })).toBe('es');
    expect(resolveLocale({ navigator: 'fr-CA' })).toBe('fr-CA');
    expect(resolveLocale({})).toBe('en');
  });

  it('canonicalises tags and skips invalid ones', () => {
    expect(resolveLocale({ attribute: 'FR-ca' })).toBe('fr-CA');
    expect(resolveLocale({ attribute: 'not a tag!', html: 'fr' })).toBe('fr');
  });
});

describe('catalogs', () => {
  it('French has exactly the keys of English, with the same kinds of values', () => {
    expect(shape(fr).sort()).toEqual(shape(en).sort());
  });

  it('picks the catalog by language, loading it once, and falls back to English', async () => {
    expect(messagesFor('fr')).toBe(en);
    expect(await loadMessages('fr-CA')).toBe(fr);
    expect(messagesFor('fr-CA')).toBe(fr);
    expect(await loadMessages('de')).toBe(en);
    expect(messagesFor('en-GB')).toBe(en);
    expect(messagesFor('de')).toBe(en);
  });

  it('formats plurals and interpolations', () => {
    expect(en.loadedMore(1)).toBe('1 more praise loaded.');
    expect(en.tooLong(3)).toBe('The message is 3 characters too long.');
    expect(fr.results(1)).toBe('1 personne trouvée.');
    expect(fr.results(2)).toBe('2 personnes trouvées.');
    expect(fr.charCount(12, 2000)).toBe('12 / 2000 caractères');
  });
});

describe('relativeTime', () => {
  const now = Date.UTC(2026, 0, 15, 12);
  it('uses the largest fitting unit in the viewer locale', () => {
    expect(relativeTime(new Date(now - 3 * 3_600_000), now, 'en')).toBe('3 hours ago');
    expect(relativeTime(new Date(now - 3 * 3_600_000), now, 'fr')).toBe('il y a 3 heures');
    expect(relativeTime(new Date(now - 86_400_000), now, 'en')).toBe('yesterday');
    expect(relativeTime(new Date(now), now, 'en')).toBe('now');
  });
});
