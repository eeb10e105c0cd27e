import { css } from 'lit';

export const composerStyles = css`
  form {
    display: grid;
    gap: var(--_space);
    padding: var(--_space);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  label,
  legend {
    font-weight: 600;
  }
  fieldset {
    border: 0;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.375rem;
  }
  .field {
    display: grid;
    gap: 0.25rem;
    position: relative;
  }
  .control {
    display: flex;
    flex-wrap: wrap;
    gap: 0.375rem;
    align-items: center;
    padding: 0.375rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  .control:focus-within {
    outline: 2px solid var(--_focus);
  }
  .control input {
    flex: 1 1 10rem;
    border: 0;
    outline: 0;
    font: inherit;
    color: inherit;
    background: transparent;
    min-height: 2rem;
  }
  .chip button {
    border: 0;
    background: transparent;
    padding: 0 0.25rem;
    min-height: 0;
  }
  [role='listbox'] {
    position: absolute;
    top: 100%;
    inset-inline: 0;
    z-index: 1;
    margin: 0.25rem 0 0;
    padding: 0.25rem;
    list-style: none;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    box-shadow: 0 4px 16px rgb(0 0 0 / 0.15);
  }
  [role='option'] {
    padding: 0.375rem 0.5rem;
    border-radius: calc(var(--_radius) / 2);
    cursor: pointer;
  }
  [role='option'][aria-selected='true'] {
    background: var(--_primary);
    color: var(--_on-primary);
  }
  textarea {
    font: inherit;
    color: inherit;
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.5rem;
    min-height: 6rem;
    resize: vertical;
  }
  [aria-invalid='true'],
  .over {
    border-color: var(--_danger);
    color: var(--_danger);
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.75rem;
    align-items: center;
    justify-content: space-between;
  }
`;
