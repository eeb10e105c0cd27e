// Grove in Vue 3 with a render function. The runtime-only build (what `import 'vue'` gives a
// bundler) needs no 'unsafe-eval' in the page's Content-Security-Policy; compiling templates in
// the browser would. With templates (single-file components), tell the template compiler that
// grove-* tags are custom elements: see docs/embedding.md.
import { createApp, h, ref } from 'vue';
import { configure } from 'grove';
import 'grove/define/grove-praise-wall';
import 'grove/define/grove-praise-composer';

configure({
  apiUrl: document.querySelector('meta[name="grove-api-url"]').content,
  getToken: async () => {
    const response = await fetch('/grove-token', { method: 'POST', credentials: 'same-origin' });
    if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
    return (await response.json()).token;
  },
});

const Recognition = {
  setup() {
    const notice = ref('');
    return () =>
      h('main', [
        h('h1', 'Recognition'),
        // Vue sets a prop as a DOM property when the element has it (pageSize), else an attribute;
        // `onGroveSubmitted` listens to the `grove-submitted` event.
        h('grove-praise-composer', {
          name: 'praise',
          onGroveSubmitted: (e) => (notice.value = `Praise sent to ${e.detail.recipients.map((r) => r.name).join(', ')}.`),
          onGroveAuthError: (e) => (notice.value = `Grove could not get a token: ${e.detail.problem.title}`),
        }),
        h('grove-praise-wall', { pageSize: 5, scope: 'all' }),
        h('p', { role: 'status' }, notice.value),
      ]);
  },
};

createApp(Recognition).mount('#app');
