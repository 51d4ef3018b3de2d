import { z } from 'zod';
import { storedTextProblem } from '@gitsync/stored-text';

/**
 * Text a delivery's rows are looked up by: the stored-text rule (a NUL would fail the query), and
 * a URL that parses where one is expected. A signed delivery breaking it is refused, not cleaned:
 * no tracked row can hold such a value.
 */
export const lookupText = z.string().superRefine((value, ctx) => {
  const problem = storedTextProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
export const lookupUrl = lookupText.pipe(z.url());
