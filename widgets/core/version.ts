declare const __GROVE_VERSION__: string | undefined;

/** The package version, injected by the build. */
export const version: string = typeof __GROVE_VERSION__ === 'string' ? __GROVE_VERSION__ : '0.0.0-dev';
