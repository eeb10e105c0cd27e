/** An RFC 9457 problem document as the Grove API sends it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { path: string; message: string }[];
}

const PREFIX = 'urn:grove:problem:';

/** The stable code of a problem (`unauthorized`, `origin-not-allowed`, …); `network` when offline. */
export function problemCode(problem: Problem): string {
  return problem.type.startsWith(PREFIX) ? problem.type.slice(PREFIX.length) : problem.type;
}

/** Builds a problem for failures that never reached the API. */
export function localProblem(code: string, title: string, status = 0): Problem {
  return { type: PREFIX + code, title, status };
}

/** Thrown by the client; carries the problem document. */
export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ProblemError';
  }
  get code(): string {
    return problemCode(this.problem);
  }
}

/** Any thrown value as a problem. */
export function toProblem(err: unknown): Problem {
  if (err instanceof ProblemError) return err.problem;
  return localProblem('network', err instanceof Error ? err.message : 'Network error');
}
