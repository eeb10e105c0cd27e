/** Numbers as the results show them, in the viewer's locale. */

/** `72.5 %` / `72,5 %`: a share already in 0–100, with at most one decimal. */
export function percent(value: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(value / 100);
}

/** An eNPS score, signed like people write it: `+23`, `0`, `−12` (U+2212 minus). */
export function signedScore(value: number, locale: string): string {
  const formatted = new Intl.NumberFormat(locale, {
    maximumFractionDigits: 1,
    signDisplay: 'exceptZero',
  }).format(value);
  return formatted.replace('-', '−');
}

/** A mean on its scale: `3.75`, `3,75`. */
export function decimal(value: number, locale: string, digits = 2): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value);
}

/** A day as people write it: `December 4, 2026`, `4 décembre 2026`. */
export function longDate(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long' }).format(new Date(iso));
}
