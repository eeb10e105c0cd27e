// `cem analyze` configuration (no network needed). Run by `npm run build`.
export default {
  globs: ['widgets/**/*.ts'],
  exclude: ['widgets/**/*.test.ts'],
  outdir: 'dist',
  litelement: true,
  // Never rewrite package.json during a build; its customElements field is set by hand.
  packagejson: false,
  plugins: [
    {
      // The Lit plugin reads every `static properties` entry as an attribute, including
      // internal `state: true` ones; those are private or protected fields, so drop them.
      name: 'grove-drop-internal-state',
      packageLinkPhase({ customElementsManifest }) {
        for (const mod of customElementsManifest.modules) {
          for (const decl of mod.declarations ?? []) {
            const hidden = new Set((decl.members ?? []).filter((m) => m.privacy === 'private' || m.privacy === 'protected').map((m) => m.name));
            if (decl.attributes) decl.attributes = decl.attributes.filter((a) => !hidden.has(a.fieldName));
            if (decl.members) decl.members = decl.members.filter((m) => !hidden.has(m.name));
          }
        }
      },
    },
  ],
};
