import { css } from 'lit';

/** Styles shared by the praise wall and composer. */
export const praiseStyles = css`
  .chip {
    display: inline-flex;
    align-items: center;
    gap: 0.25rem;
    padding: 0.125rem 0.625rem;
    border-radius: 999px;
    border: 1px solid var(--_border);
    background: var(--_surface-alt);
    font-size: 0.875em;
  }
  button.chip[aria-pressed='true'] {
    background: var(--_primary);
    color: var(--_on-primary);
    border-color: var(--_primary);
  }
  .chips {
    display: flex;
    flex-wrap: wrap;
    gap: 0.375rem;
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .avatar {
    flex: none;
    display: inline-grid;
    place-items: center;
    width: 2.5rem;
    height: 2.5rem;
    border-radius: 50%;
    background: var(--_primary);
    color: var(--_on-primary);
    font-weight: 600;
    font-size: 0.875rem;
  }
  .muted {
    color: var(--_muted);
    font-size: 0.875em;
  }
  .error {
    color: var(--_danger);
    font-size: 0.875em;
    margin: 0.25rem 0 0;
  }
`;

/** Up to two initials of a name, for avatars ("Ada Lovelace" → "AL"). */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = words[0]?.[0] ?? '?';
  const last = words.length > 1 ? (words[words.length - 1]?.[0] ?? '') : '';
  return (first + last).toUpperCase();
}

/** The emoji drawn for each reaction name. */
export const REACTION_EMOJI = {
  clap: '👏',
  heart: '❤️',
  tada: '🎉',
  rocket: '🚀',
  raised_hands: '🙌',
  smile: '😄',
} as const;
