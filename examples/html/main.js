// Plain HTML needs no code to show the widgets; this only listens to their events.
const status = document.getElementById('status');

// `grove-auth-error` reaches window even when no element is on the page yet.
window.addEventListener('grove-auth-error', (event) => {
  status.textContent = `Grove could not get a token: ${event.detail.problem.title}`;
});

// Events bubble and are composed: one listener on document hears every composer.
document.addEventListener('grove-submitted', (event) => {
  status.textContent = `Praise sent to ${event.detail.recipients.map((r) => r.name).join(', ')}.`;
});
