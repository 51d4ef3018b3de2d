import type { ChatJson, DiffStatusJson } from '@gitsync/contracts';

/** Test data in the API's JSON shapes (kept out of the bundle: only tests import it). */
export const CHAT_ID = '6f1c2d3e-4a5b-4c6d-8e7f-901234567890';
const OWNER_ID = '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d';

export function diffStatus(overrides: Partial<DiffStatusJson> = {}): DiffStatusJson {
  return {
    chat_id: CHAT_ID,
    pull_request_title: '',
    pull_request_draft: false,
    changes_requested: false,
    additions: 0,
    deletions: 0,
    changed_files: 0,
    ...overrides,
  };
}

export function chat(overrides: Partial<ChatJson> = {}): ChatJson {
  return {
    id: CHAT_ID,
    owner_id: OWNER_ID,
    title: 'Add dark mode',
    status: 'waiting',
    archived: false,
    created_at: '2026-11-01T10:00:00.000Z',
    updated_at: '2026-11-01T10:00:00.000Z',
    ...overrides,
  };
}

/** A chat whose PR was fetched: open, 214 additions, 31 deletions. */
export function chatWithPr(pr: Partial<DiffStatusJson> = {}, overrides: Partial<ChatJson> = {}): ChatJson {
  return chat({
    ...overrides,
    diff_status: diffStatus({
      url: 'https://github.com/acme/webapp/pull/12',
      pull_request_state: 'open',
      pull_request_title: 'Add dark mode toggle',
      pr_number: 12,
      additions: 214,
      deletions: 31,
      changed_files: 7,
      refreshed_at: '2026-11-01T10:00:00.000Z',
      ...pr,
    }),
  });
}
