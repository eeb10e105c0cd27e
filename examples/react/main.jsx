// Grove in React 19: the elements are used in JSX like any tag. React 19 sets a prop as a
// property when the element has one (pageSize, theme, draft…) and an attribute otherwise, and
// turns `on<event-name>` props into listeners for that exact event name.
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { configure } from 'grove';
// Register the two tags before React renders them, so React sees their properties.
import 'grove/define/grove-praise-wall';
import 'grove/define/grove-praise-composer';

configure({
  apiUrl: document.querySelector('meta[name="grove-api-url"]').content,
  // This site's own backend mints the token (with the tenant API key, which never reaches the page).
  getToken: async () => {
    const response = await fetch('/grove-token', { method: 'POST', credentials: 'same-origin' });
    if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
    return (await response.json()).token;
  },
});

function Recognition() {
  const [notice, setNotice] = useState('');
  return (
    <main>
      <h1>Recognition</h1>
      <grove-praise-composer
        name="praise"
        ongrove-submitted={(e) => setNotice(`Praise sent to ${e.detail.recipients.map((r) => r.name).join(', ')}.`)}
        ongrove-auth-error={(e) => setNotice(`Grove could not get a token: ${e.detail.problem.title}`)}
      />
      <grove-praise-wall pageSize={5} theme="light" ongrove-deleted={(e) => setNotice(`Deleted ${e.detail.id}.`)} />
      <p role="status">{notice}</p>
    </main>
  );
}

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <Recognition />
  </StrictMode>,
);
