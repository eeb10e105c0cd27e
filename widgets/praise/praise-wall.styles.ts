import { css } from 'lit';

export const wallStyles = css`
  [role='feed'] {
    display: grid;
    gap: var(--_space);
  }
  article {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 0.5rem var(--_space);
    padding: var(--_space);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  article[data-pending] {
    opacity: 0.7;
  }
  header {
    display: flex;
    flex-wrap: wrap;
    gap: 0 0.5rem;
    align-items: baseline;
  }
  h3 {
    margin: 0;
    font-size: 1em;
    font-weight: 600;
  }
  .body {
    display: grid;
    gap: 0.5rem;
    min-width: 0;
  }
  .message {
    margin: 0;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.375rem;
    align-items: center;
  }
  .delete {
    margin-inline-start: auto;
  }
  .more {
    justify-self: center;
  }
`;
