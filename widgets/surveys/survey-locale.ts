import { en, type SurveyMessages } from './locales/en.js';

// The survey strings live apart from core's catalog so that the praise bundles do not carry
// them. English is built in; French is one module, loaded the first time it is asked for.
const catalogs: Record<string, SurveyMessages> = { en };
const loaders: Record<string, () => Promise<SurveyMessages>> = {
  fr: () => import('./locales/fr.js').then((m) => m.fr),
};
const loading = new Map<string, Promise<SurveyMessages>>();

/**
 * The survey strings for a locale tag (`fr-CA` → French). English until another catalog has
 * loaded; `onLoaded` runs once it has (the element re-renders then).
 */
export function surveyMessages(locale: string, onLoaded: () => void): SurveyMessages {
  const lang = locale.split('-')[0]!.toLowerCase();
  const known = catalogs[lang];
  if (known) return known;
  const load = loaders[lang];
  if (!load) return en;
  let p = loading.get(lang);
  if (!p) {
    p = load().then((m) => (catalogs[lang] = m));
    loading.set(lang, p);
  }
  void p.then(onLoaded);
  return en;
}

/** Resolves once the catalog of a locale is loaded (tests, and elements that want no English flash). */
export function loadSurveyMessages(locale: string): Promise<SurveyMessages> {
  return new Promise((resolve) => {
    const m = surveyMessages(locale, () => resolve(surveyMessages(locale, () => {})));
    if (m !== en || locale.split('-')[0]!.toLowerCase() === 'en' || !loaders[locale.split('-')[0]!.toLowerCase()]) resolve(m);
  });
}
