import type { z } from 'zod';

/** zod's own words for a field that is missing. */
const MISSING = /^Invalid input: expected \w+, received undefined$/;

/**
 * A zod error as one line: each issue as `path: message`, an issue at the top as `root: message` (or the message
 * alone without a root), and a missing field as "required" rather than "expected number, received undefined".
 */
export function describeIssues(error: z.ZodError, root?: string): string {
  return error.issues
    .map((issue) => {
      const message = issue.code === 'invalid_type' && MISSING.test(issue.message) ? 'required' : issue.message;
      const where = issue.path.join('.') || root;
      return where ? `${where}: ${message}` : message;
    })
    .join('; ');
}
