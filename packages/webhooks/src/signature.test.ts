import { sign } from '@octokit/webhooks-methods';
import { verifySignature } from './signature.js';

describe('verifySignature', () => {
  it('accepts the sha256 signature of the raw body and refuses anything else', async () => {
    const body = JSON.stringify({ zen: 'Keep it logically awesome.' });
    const signature = await sign('s3cret', body);
    expect(signature).toMatch(/^sha256=/);
    expect(await verifySignature('s3cret', body, signature)).toBe(true);
    expect(await verifySignature('other', body, signature)).toBe(false);
    expect(await verifySignature('s3cret', `${body} `, signature)).toBe(false);
    expect(await verifySignature('s3cret', body, undefined)).toBe(false);
    expect(await verifySignature('s3cret', body, 'sha256=zz')).toBe(false);
    expect(await verifySignature('s3cret', body, 'sha1=abc')).toBe(false);
  });
});
