// The host page's side of the embed: tell Grove where its API is and how to get a token
// (from this intranet's own backend, which holds the tenant API key), then render.
const params = new URLSearchParams(location.search);
const theme = params.get('theme') === 'dark' ? 'dark' : 'light';
const locale = params.get('lang') === 'fr' ? 'fr' : 'en';
const apiUrl = new URL(document.querySelector('script[src$="/grove.js"]').src).origin;

document.documentElement.lang = locale;
document.documentElement.dataset.theme = theme;
for (const el of document.querySelectorAll('grove-praise-composer, grove-praise-wall, grove-survey, grove-survey-results')) {
  el.setAttribute('theme', theme);
  el.setAttribute('locale', locale);
}

const copy = {
  en: {
    dark: 'Dark', title: 'Recognition', lede: 'Thank a colleague for something they did. Everything below is Grove, embedded from another origin.', give: 'Give praise', feed: 'Latest praise', as: 'Signed in as', switch: 'Switch',
    survey: 'Engagement survey', surveyLede: 'Answer this quarter’s pulse. Results appear for groups large enough to stay anonymous.', answer: 'Your answers', results: 'Results',
    resultsNote: 'Results are for managers, HR and administrators: switch to Marcus, Kenji or Amélie to see them.',
  },
  fr: {
    dark: 'Sombre', title: 'Reconnaissance', lede: 'Remerciez un·e collègue pour ce qu’il ou elle a fait. Tout ce qui suit est Grove, intégré depuis une autre origine.', give: 'Féliciter', feed: 'Dernières félicitations', as: 'Connecté·e en tant que', switch: 'Changer',
    survey: 'Enquête d’engagement', surveyLede: 'Répondez à l’enquête du trimestre. Les résultats ne s’affichent que pour des groupes assez grands pour rester anonymes.', answer: 'Vos réponses', results: 'Résultats',
    resultsNote: 'Les résultats sont réservés aux managers, aux RH et aux administrateurs : choisissez Marcus, Kenji ou Amélie pour les voir.',
  },
}[locale];
document.getElementById('title').textContent = copy.title;
document.getElementById('lede').textContent = copy.lede;
document.getElementById('give-title').textContent = copy.give;
document.getElementById('feed-title').textContent = copy.feed;
document.getElementById('survey-title').textContent = copy.survey;
document.getElementById('survey-lede').textContent = copy.surveyLede;
document.getElementById('answer-title').textContent = copy.answer;
document.getElementById('results-title').textContent = copy.results;
document.getElementById('results-note').textContent = copy.resultsNote;
document.querySelector('label[for="as"]').textContent = copy.as;
document.querySelector('.switcher button').textContent = copy.switch;

const toggle = (name, value) => {
  const next = new URLSearchParams(location.search);
  next.set(name, value);
  location.search = next.toString();
};
const themeButton = document.getElementById('theme-toggle');
themeButton.setAttribute('aria-pressed', String(theme === 'dark'));
themeButton.textContent = copy.dark;
themeButton.addEventListener('click', () => toggle('theme', theme === 'dark' ? 'light' : 'dark'));
const localeButton = document.getElementById('locale-toggle');
localeButton.textContent = locale === 'fr' ? 'English' : 'Français';
localeButton.lang = locale === 'fr' ? 'en' : 'fr';
localeButton.addEventListener('click', () => toggle('lang', locale === 'fr' ? 'en' : 'fr'));

fetch('/me')
  .then((r) => r.json())
  .then(({ current, people }) => {
    // Employees answer surveys but do not read results: the host shows them a note instead.
    const me = people.find((p) => p.externalId === current);
    if (me && me.role !== 'employee') {
      const results = document.createElement('grove-survey-results');
      results.setAttribute('group-by', 'team');
      results.setAttribute('theme', theme);
      results.setAttribute('locale', locale);
      document.getElementById('results-slot').append(results);
    } else {
      document.getElementById('results-note').hidden = false;
    }
    const select = document.getElementById('as');
    for (const person of people) {
      const option = new Option(`${person.name} · ${person.team}${person.role === 'employee' ? '' : ` (${person.role.replace('_', ' ')})`}`, person.externalId);
      option.selected = person.externalId === current;
      select.add(option);
    }
  });

addEventListener('DOMContentLoaded', () => {
  window.Grove.configure({
    apiUrl,
    getToken: async () => {
      const response = await fetch('/grove-token', { method: 'POST' });
      if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
      return (await response.json()).token;
    },
  });
});
