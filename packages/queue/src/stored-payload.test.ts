import { describePayloadError, refreshPayloadSchema, type RefreshPayload } from './catalog.js';
import { decodeRefreshPayload, encodeRefreshPayload } from './stored-payload.js';

const noPr: RefreshPayload = {
  chatId: '0baa3e8a-f272-41c6-88a7-09b5971cf4d0',
  ownerId: 'e91a6842-af64-4f73-9af8-9cc4c1086cde',
  branch: 'feat/x',
  remoteOrigin: 'https://github.com/o/r.git',
  url: null,
  generation: 3,
  pullEtag: null,
  reviewsEtag: null,
  markedStaleAt: '2026-11-22T05:59:29.213Z',
};
const steady: RefreshPayload = { ...noPr, url: 'https://github.com/o/r/pull/7', pullEtag: 'W/"p"', reviewsEtag: '"r"' };

/** What the worker's schema makes of a stored payload read back from Redis (JSON in between). */
const readBack = (stored: unknown) => refreshPayloadSchema.safeParse(decodeRefreshPayload(JSON.parse(JSON.stringify(stored))));

describe('stored refresh payload', () => {
  it('reads back exactly what was stored, with or without a PR', () => {
    for (const p of [noPr, steady, { ...noPr, markedStaleAt: null }, { ...steady, pullEtag: null }]) {
      expect(readBack(encodeRefreshPayload(p))).toEqual({ success: true, data: p });
    }
  });

  it('leaves out trailing nulls and field names', () => {
    expect(JSON.stringify(encodeRefreshPayload(noPr))).toBe(
      '[1,"0baa3e8a-f272-41c6-88a7-09b5971cf4d0","e91a6842-af64-4f73-9af8-9cc4c1086cde","feat/x","https://github.com/o/r.git",3,1795327169213]',
    );
  });

  it('reads jobs queued before the compact form (named objects) as they are', () => {
    expect(readBack(noPr)).toEqual({ success: true, data: noPr });
  });

  it('hands a malformed job to the schema, which names the wrong fields', () => {
    const parsed = readBack([1, 'not-a-uuid', noPr.ownerId, '', noPr.remoteOrigin, -1, 'yesterday']);
    expect(parsed.success).toBe(false);
    expect(describePayloadError(parsed.error!)).toMatch(/chatId: .*; branch: .*; generation: .*; markedStaleAt: /);
    expect(readBack([2, 'a later layout']).success).toBe(false);
    expect(readBack('garbage').success).toBe(false);
  });
});
