import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { en, type Messages } from './locales/en.js';
import { provider } from './token-provider.js';

// English ships in every bundle; other locales are one module each, fetched when asked for
// (the script-tag bundle inlines them, so there it costs no request).
const catalogs: Record<string, Messages> = { en };
const loaders: Record<string, () => Promise<Messages>> = {
  fr: () => import('./locales/fr.js').then((m) => m.fr),
};
const loading = new Map<string, Promise<Messages>>();

const language = (locale: string) => locale.split('-')[0]!.toLowerCase();

/** Loads (once) the catalog of a locale; resolves to English for locales Grove does not have. */
export function loadMessages(locale: string): Promise<Messages> {
  const lang = language(locale);
  const known = catalogs[lang];
  if (known) return Promise.resolve(known);
  const load = loaders[lang];
  if (!load) return Promise.resolve(en);
  let p = loading.get(lang);
  if (!p) {
    p = load().then((m) => (catalogs[lang] = m));
    loading.set(lang, p);
  }
  return p;
}

/** Where a locale can come from, strongest first. */
export interface LocaleSources {
  attribute?: string | null;
  token?: string | null;
  html?: string | null;
  navigator?: string | null;
}

/** The first non-empty of: `locale` attribute, token `locale` claim, `<html lang>`, `navigator.language`. */
export function resolveLocale(s: LocaleSources): string {
  for (const tag of [s.attribute, s.token, s.html, s.navigator]) {
    const t = tag?.trim();
    if (t) {
      try {
        return Intl.getCanonicalLocales(t)[0] ?? 'en';
      } catch {
        // Not a BCP 47 tag: try the next source.
      }
    }
  }
  return 'en';
}

/** The loaded catalog for a locale tag (`fr-CA` → French); English until it is loaded or when unknown. */
export function messagesFor(locale: string): Messages {
  return catalogs[language(locale)] ?? en;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 31_536_000],
  ['month', 2_592_000],
  ['week', 604_800],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
  ['second', 1],
];

/** "3 hours ago" / "il y a 3 heures" in the viewer's locale. */
export function relativeTime(date: Date, now: number, locale: string): string {
  const secs = Math.round((date.getTime() - now) / 1000);
  const [unit, size] = UNITS.find(([, s]) => Math.abs(secs) >= s) ?? ['second', 1];
  return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(Math.round(secs / size), unit);
}

type LocalizedHost = ReactiveControllerHost & HTMLElement & { locale?: string | null };

/**
 * Gives an element its locale and messages, and re-renders it when the token brings a locale.
 */
export class LocaleController implements ReactiveController {
  constructor(private readonly host: LocalizedHost) {
    host.addController(this);
  }

  private readonly onLocale = () => this.host.requestUpdate();

  hostConnected(): void {
    provider.addEventListener('locale', this.onLocale);
  }
  hostDisconnected(): void {
    provider.removeEventListener('locale', this.onLocale);
  }

  /** The resolved BCP 47 tag, used for Intl formatting. */
  get locale(): string {
    return resolveLocale({
      attribute: this.host.locale,
      token: provider.locale,
      html: document.documentElement.lang,
      navigator: navigator.language,
    });
  }

  /** The messages of the resolved locale; English while another catalog loads, then a re-render. */
  get msg(): Messages {
    const locale = this.locale;
    const lang = language(locale);
    if (!catalogs[lang] && loaders[lang] && !loading.has(lang)) {
      void loadMessages(locale).then(() => this.host.requestUpdate());
    }
    return messagesFor(locale);
  }

  relative(iso: string): string {
    return relativeTime(new Date(iso), Date.now(), this.locale);
  }

  fullDate(iso: string): string {
    return new Intl.DateTimeFormat(this.locale, { dateStyle: 'full', timeStyle: 'short' }).format(new Date(iso));
  }

  list(items: string[]): string {
    return new Intl.ListFormat(this.locale, { type: 'conjunction' }).format(items);
  }
}
