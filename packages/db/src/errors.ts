/** Postgres' code of an error, looking through drizzle's wrapper. */
export function pgErrorCode(err: unknown): string | undefined {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

export const isUniqueViolation = (err: unknown) => pgErrorCode(err) === '23505';

/** Postgres refused the values themselves (class 22 data exception, 23 integrity violation), not the connection. */
export const isDataError = (err: unknown) => /^2[23]/.test(pgErrorCode(err) ?? '');
