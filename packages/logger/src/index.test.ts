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
