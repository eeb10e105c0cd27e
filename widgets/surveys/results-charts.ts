import type { QuestionResult, TrendRound } from '../../api/modules/surveys/surveys.schemas.js';
import { GAUGE, gaugeArc, gaugePoint, headline, trendLine, trendX } from './chart-geometry.js';
import { decimal, percent, signedScore } from './format.js';
import { html, nothing, svg } from './kit.js';
import type { SurveyMessages } from './locales/en.js';

// Every chart is an SVG with role="img", an aria-label and <title>/<desc> saying what it shows
// in words, and its figures also written as text beside it: nothing is told by colour alone.

/** The eNPS gauge of one question: −100 … +100, the score written in the middle. */
export function renderGauge(q: QuestionResult, m: SurveyMessages, locale: string) {
  const e = q.enps!;
  const score = signedScore(e.score, locale);
  const label = m.enpsSummary(score);
  const needle = gaugePoint(e.score);
  const [from, to] = e.score < 0 ? [e.score, 0] : [0, e.score];
  return html`<figure class="gauge" part="gauge">
    <svg viewBox="0 0 200 122" role="img" aria-label=${label}>
      <title>${label}</title>
      <desc>
        ${`${m.promoters} ${percent(e.promoters, locale)}, ${m.passives} ${percent(e.passives, locale)}, ${m.detractors} ${percent(e.detractors, locale)}`}
      </desc>
      <path class="track" d=${gaugeArc(-100, 100)} />
      <path class=${e.score < 0 ? 'value negative' : 'value'} d=${gaugeArc(from, to)} />
      <line class="tick" x1=${GAUGE.cx} y1=${GAUGE.cy - GAUGE.r - 10} x2=${GAUGE.cx} y2=${GAUGE.cy - GAUGE.r + 10} />
      <circle class="needle" cx=${needle.x} cy=${needle.y} r="7" />
      <text class="score" x=${GAUGE.cx} y=${GAUGE.cy - 12} text-anchor="middle">${score}</text>
      <text class="end" x=${GAUGE.cx - GAUGE.r} y="118" text-anchor="middle">−100</text>
      <text class="end" x=${GAUGE.cx + GAUGE.r} y="118" text-anchor="middle">+100</text>
    </svg>
    <figcaption>
      <ul class="legend">
        <li>
          <span class="swatch promoters" aria-hidden="true"></span>${m.promoters}:
          <strong>${percent(e.promoters, locale)}</strong>
        </li>
        <li>
          <span class="swatch passives" aria-hidden="true"></span>${m.passives}:
          <strong>${percent(e.passives, locale)}</strong>
        </li>
        <li>
          <span class="swatch detractors" aria-hidden="true"></span>${m.detractors}:
          <strong>${percent(e.detractors, locale)}</strong>
        </li>
      </ul>
    </figcaption>
  </figure>`;
}

/** A horizontal bar (0–100) drawn in SVG; its figure is written next to it by the caller. */
export function bar(share: number, label: string, kind = '') {
  const w = Math.max(0, Math.min(100, share));
  return html`<svg class="bar ${kind}" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label=${label}>
    <rect class="bar-track" x="0" y="0" width="100" height="10" rx="2" />
    <rect class="bar-value" x="0" y="0" width=${w} height="10" rx="2" />
  </svg>`;
}

/** Favourability of each Likert question: bar plus the share in words. */
export function renderFavourability(questions: QuestionResult[], m: SurveyMessages, locale: string, hidden: (q: QuestionResult) => string) {
  return html`<ul class="fav" part="favourability">
    ${questions.map((q) => {
      const value = q.favourability;
      return html`<li>
        <span class="prompt">${q.prompt}</span>
        ${
          value === null
            ? html`<span class="hidden-note">${hidden(q)}</span>`
            : html`${bar(value, m.favourable(q.prompt, percent(value, locale)))}<strong class="figure">${percent(value, locale)}</strong>`
        }
      </li>`;
    })}
  </ul>`;
}

/** A question's distribution as a table: each value, a bar, its count and share (the table is the text). */
export function renderDistribution(q: QuestionResult, m: SurveyMessages, locale: string) {
  const rows = q.distribution ?? [];
  const total = rows.reduce((s, r) => s + r.count, 0);
  const name = (value: number, label: string | null) => label ?? (q.type === 'likert' ? `${value} · ${m.likert[value - 1] ?? ''}` : String(value));
  return html`<table class="distribution" part="distribution">
      <caption class="visually-hidden">
        ${q.prompt}
      </caption>
      <thead class="visually-hidden">
        <tr>
          <th scope="col">${m.distribution}</th>
          <th scope="col">%</th>
          <th scope="col">#</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map((r) => {
          const share = total ? (r.count / total) * 100 : 0;
          return html`<tr>
            <th scope="row">${name(r.value, r.label)}</th>
            <td class="bar-cell">
              <span aria-hidden="true">${bar(share, '', q.type === 'enps' ? enpsKind(r.value) : '')}</span
              >${percent(Math.round(share * 10) / 10, locale)}
            </td>
            <td class="count">${r.count}</td>
          </tr>`;
        })}
      </tbody>
    </table>
    ${q.mean !== null ? html`<p class="muted">${m.mean(decimal(q.mean, locale))} · ${m.responses(q.responses ?? total)}</p>` : nothing}`;
}

const enpsKind = (v: number) => (v >= 9 ? 'promoters' : v >= 7 ? 'passives' : 'detractors');

const BOX = { width: 320, height: 130, pad: 22 };

/** One question across rounds: a line (broken where a round was hidden), each point written as text. */
export function renderTrend(prompt: string, questionId: string, type: string, rounds: TrendRound[], m: SurveyMessages, locale: string) {
  const figures = rounds.map((r) => {
    const f = r.questions.find((x) => x.questionId === questionId);
    return f ? headline(f, type) : null;
  });
  const kind = figures.find((f) => f)?.kind ?? 'mean';
  const domain =
    kind === 'enps' ? { min: -100, max: 100 } : kind === 'favourability' ? { min: 0, max: 100 } : { min: 0, max: type === 'likert' ? 5 : 10 };
  const format = (v: number) => (kind === 'enps' ? signedScore(v, locale) : kind === 'favourability' ? percent(v, locale) : decimal(v, locale));
  const line = trendLine(
    figures.map((f) => f?.value ?? null),
    BOX,
    domain,
  );
  const xs = trendX(rounds.length, BOX);
  const words = rounds.map((r, i) => `${m.round(r.number)} ${figures[i] ? format(figures[i]!.value) : m.hiddenMark}`).join(', ');
  const label = m.trendSummary(prompt, words);
  return html`<figure class="trend" part="trend">
    <figcaption>${prompt}</figcaption>
    <svg viewBox="0 0 ${BOX.width} ${BOX.height + 16}" role="img" aria-label=${label}>
      <title>${label}</title>
      <line class="axis" x1=${BOX.pad} x2=${BOX.width - BOX.pad} y1=${BOX.height - BOX.pad} y2=${BOX.height - BOX.pad} />
      <path class="line" d=${line.path} />
      ${line.points.map((p, i) =>
        p
          ? svg`<circle class="point" cx=${p.x} cy=${p.y} r="4" /><text class="point-label" x=${p.x} y=${p.y - 8} text-anchor="middle">${format(figures[i]!.value)}</text>`
          : svg`<text class="point-label hidden" x=${xs[i]} y=${BOX.height / 2} text-anchor="middle">–</text>`,
      )}
      ${rounds.map((r, i) => svg`<text class="round-label" x=${xs[i]} y=${BOX.height + 10} text-anchor="middle">${m.round(r.number)}</text>`)}
    </svg>
  </figure>`;
}
