import pino from 'pino';

/** Fields of a failed statement that hold its text or values (drizzle's wrapper, pg's error). */
const STATEMENT_FIELDS = ['query', 'params', 'parameters', 'detail', 'where', 'internalQuery', 'hint'];

type Serialized = Record<string, unknown> & { message?: string; stack?: string };

/**
 * An error that describes a failed statement: drizzle's DrizzleQueryError (its message is the
 * query and its parameters) or an error Postgres reported (pg sets `severity`; its message and
 * DETAIL may quote the values).
 */
function isStatementError(e: object): boolean {
  return 'params' in e || 'query' in e || 'severity' in e;
}

function chainHasStatementError(err: unknown): boolean {
  for (
    let e: unknown = err, depth = 0;
    e && typeof e === 'object' && depth < 10;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    if (isStatementError(e)) return true;
  }
  return false;
}

/**
 * pino's error serializer, except that an error carrying a failed statement anywhere in its
 * cause chain is logged with its type, code and stack frames only: packages/db already turns
 * these into DatabaseError, and this keeps a slip elsewhere (a new query path, a library's own
 * client) from writing tokens into the logs.
 */
export function safeErrSerializer(err: unknown): unknown {
  const out = pino.stdSerializers.err(err as Error) as unknown as Serialized;
  if (!err || typeof err !== 'object' || !chainHasStatementError(err)) return out;
  for (const field of STATEMENT_FIELDS) delete out[field];
  const code = typeof out.code === 'string' ? ` ${out.code}` : '';
  out.message = `database statement failed${code} (statement, values and database message withheld)`;
  const frames = (out.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  out.stack = [`${String(out.type ?? 'Error')}: ${out.message}`, ...frames].join('\n');
  return out;
}
