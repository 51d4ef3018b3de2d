import { Writable } from 'node:stream';
import { createLogger } from './index.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('redacts secrets by key at any of the usual depths', () => {
    const { lines, destination } = capture();
    const log = createLogger('test', { destination });
    log.info(
      {
        token: 'ghp_top',
        link: { access_token: 'ghp_nested', refresh_token: 'ghr_nested' },
        req: { headers: { authorization: 'Bearer ghp_header' } },
        chatId: 'c1',
      },
      'refreshing',
    );
    const out = lines.join('');
    expect(out).toContain('"chatId":"c1"');
    for (const secret of ['ghp_top', 'ghp_nested', 'ghr_nested', 'ghp_header']) expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
  });
});

describe('logged errors', () => {
  /** drizzle's DrizzleQueryError, as drizzle builds it: the message holds the query and its parameters. */
  class QueryError extends Error {
    constructor(
      readonly query: string,
      readonly params: unknown[],
      override readonly cause: unknown,
    ) {
      super(`Failed query: ${query}\nparams: ${params.join(',')}`);
    }
  }
  /** pg's error for a refused row: the DETAIL quotes it. */
  const pgError = () =>
    Object.assign(new Error('new row for relation "external_auth_links" violates check constraint "no_writes"'), {
      severity: 'ERROR',
      code: '23514',
      table: 'external_auth_links',
      constraint: 'no_writes',
      detail: 'Failing row contains (github, u1, ghp_in_detail, null).',
    });

  it('never carry the statement, its parameters or the row Postgres quotes', () => {
    const { lines, destination } = capture();
    const log = createLogger('test', { destination });
    log.error(
      {
        err: new QueryError(
          'insert into "external_auth_links" values ($1, $2)',
          ['github', 'ghp_in_params'],
          pgError(),
        ),
      },
      'save failed',
    );
    log.error({ err: pgError() }, 'save failed');
    log.error({ err: new Error('wrapped', { cause: pgError() }) }, 'save failed');
    const out = lines.join('');
    expect(lines).toHaveLength(3);
    for (const secret of ['ghp_in_params', 'ghp_in_detail', 'insert into']) expect(out).not.toContain(secret);
    expect(out).toContain('23514');
    expect(out).toContain('"constraint":"no_writes"');
  });

  it('keep other errors as pino writes them', () => {
    const { lines, destination } = capture();
    createLogger('test', { destination }).error(
      { err: Object.assign(new Error('provider said 502'), { status: 502 }) },
      'failed',
    );
    expect(JSON.parse(lines[0]!).err).toMatchObject({ type: 'Error', message: 'provider said 502', status: 502 });
  });
});
