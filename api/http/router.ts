import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './context.js';
import { validationProblem } from './errors.js';

/** A router (a module's, or the app itself): schema failures become `validation` problem documents. */
export function router() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationProblem(result.error, result.target);
      return undefined;
    },
  });
}

export const json = <T>(schema: T, description = 'OK') => ({
  content: { 'application/json': { schema } },
  description,
});

export const jsonBody = <T>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});

/** The problem-document response every route may give. */
export const problemResponses = {
  '4XX': { description: 'A problem document (RFC 9457), `application/problem+json`.' },
} as const;
