/**
 * SQLSTATE classes (Postgres manual, appendix A): enough for an operator to tell a refused value
 * from a lost connection without Postgres' own message, which may quote the value.
 */
const SQLSTATE_CLASSES: Record<string, string> = {
  '08': 'connection exception',
  '22': 'data exception',
  '23': 'integrity constraint violation',
  '25': 'invalid transaction state',
  '28': 'invalid authorization',
  '40': 'transaction rollback',
  '42': 'syntax error or access rule violation',
  '53': 'insufficient resources',
  '54': 'program limit exceeded',
  '55': 'object not in prerequisite state',
  '57': 'operator intervention',
  '58': 'system error',
  XX: 'internal error',
};

/** The names Postgres reports with an error: identifiers of the schema, never values. */
const NAMED_FIELDS = ['schema', 'table', 'column', 'dataType', 'constraint'] as const;
type NamedField = (typeof NAMED_FIELDS)[number];
const MESSAGE_FIELDS: readonly NamedField[] = ['table', 'column', 'constraint'];

interface DatabaseErrorFields extends Partial<Record<NamedField, string>> {
  code?: string;
  /**
   * What the client library said when Postgres never answered (connection refused or lost): such
   * messages speak of the connection, never of values.
   */
  clientMessage?: string;
}

/**
 * A failed statement as everything above packages/db sees it: the Postgres code (SQLSTATE, or the
 * network error's code) and the names of the table, column or constraint involved — never the
 * statement, its parameters, Postgres' message or its DETAIL (which quote the values: a refused
 * token write would otherwise carry the tokens into logs, job failure reasons and answers).
 */
export class DatabaseError extends Error {
  override readonly name = 'DatabaseError';
  readonly code: string | undefined;
  readonly schema: string | undefined;
  readonly table: string | undefined;
  readonly column: string | undefined;
  readonly dataType: string | undefined;
  readonly constraint: string | undefined;

  constructor(fields: DatabaseErrorFields = {}) {
    const { code, clientMessage } = fields;
    const kind = code && SQLSTATE_CLASSES[code.slice(0, 2)];
    const names = MESSAGE_FIELDS.filter((f) => fields[f]).map((f) => `${f} ${fields[f]}`);
    const said = [...names, ...(clientMessage ? [clientMessage] : [])];
    super(
      `database error${code ? ` ${code}` : ''}${kind ? ` (${kind})` : ''}${said.length ? `: ${said.join(', ')}` : ''}`,
    );
    this.code = code;
    this.schema = fields.schema;
    this.table = fields.table;
    this.column = fields.column;
    this.dataType = fields.dataType;
    this.constraint = fields.constraint;
  }
}

/**
 * The one place a driver error becomes a DatabaseError: walks drizzle's DrizzleQueryError (whose
 * message holds the query and its parameters) down to pg's error and keeps its code and names.
 * A DatabaseError is returned as it is.
 */
export function toDatabaseError(err: unknown): DatabaseError {
  if (err instanceof DatabaseError) return err;
  const fields: DatabaseErrorFields = {};
  let answered = false;
  let innermost: Record<string, unknown> | undefined;
  for (
    let e: unknown = err, depth = 0;
    e && typeof e === 'object' && depth < 10;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    if (e instanceof DatabaseError) return e;
    const source = e as Record<string, unknown>;
    innermost = source;
    // pg sets `severity` on every error Postgres itself reported.
    if (source.severity !== undefined) answered = true;
    if (typeof source.code === 'string') fields.code ??= source.code;
    for (const f of NAMED_FIELDS) if (typeof source[f] === 'string') fields[f] ??= source[f];
  }
  // drizzle's wrapper (it holds `params`) and Postgres' own messages may quote values; a client
  // error under the wrapper speaks of the connection only.
  if (
    !answered &&
    innermost &&
    !('params' in innermost) &&
    typeof innermost.message === 'string' &&
    innermost.message
  ) {
    fields.clientMessage = innermost.message;
  }
  return new DatabaseError(fields);
}

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
