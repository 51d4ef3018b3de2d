import { renderToStaticMarkup } from 'react-dom/server';
import { chat, chatWithPr, diffStatus } from '../test-support/fixtures';
import { ChatRow } from './ChatRow';

const noRefresh = () => Promise.resolve({ tone: 'ok' as const });
const render = (c: Parameters<typeof ChatRow>[0]['chat']) =>
  renderToStaticMarkup(<ChatRow chat={c} onRefresh={noRefresh} />);
const text = (html: string) => html.replace(/<[^>]+>/g, '');

describe('<ChatRow>', () => {
  it('shows the PR number and title as a link, its line stats, and the icon', () => {
    const html = render(chatWithPr());
    expect(html).toContain('data-chat-id="6f1c2d3e-4a5b-4c6d-8e7f-901234567890"');
    expect(html).toMatch(
      /<a class="pr-link" href="https:\/\/github.com\/acme\/webapp\/pull\/12" target="_blank" rel="noreferrer noopener"/,
    );
    expect(text(html)).toContain('#12 Add dark mode toggle');
    expect(text(html)).toContain('+214 −31');
    expect(html).toContain('title="214 additions, 31 deletions in 7 files"');
    expect(html).toContain('aria-label="Pull request open"');
  });

  it('shows line stats only when a url exists and a count is above zero', () => {
    expect(text(render(chatWithPr({ additions: 0, deletions: 0 })))).not.toMatch(/\+0/);
    expect(text(render(chatWithPr({ additions: 0, deletions: 5 })))).toContain('+0 −5');
    expect(text(render(chat({ diff_status: diffStatus({ additions: 3, deletions: 1 }) })))).not.toContain('+3');
  });

  it('shows the review verdict: changes requested outweighs approval', () => {
    expect(text(render(chatWithPr({ approved: true, reviewer_count: 2 })))).toContain('Approved');
    const both = text(render(chatWithPr({ approved: false, changes_requested: true })));
    expect(both).toContain('Changes requested');
    expect(both).not.toContain('Approved');
    expect(text(render(chatWithPr()))).not.toMatch(/Approved|Changes requested/);
  });

  it('says when the status was refreshed, with the exact time on hover', () => {
    const html = render(chatWithPr({ refreshed_at: new Date(Date.now() - 5 * 60_000).toISOString() }));
    expect(text(html)).toContain('refreshed 5 minutes ago');
    expect(html).toMatch(/<time class="relative-time" dateTime="[^"]+" title="[^"]+"/);
    expect(text(render(chat({ diff_status: diffStatus({ url: 'https://github.com/acme/webapp/pull/1' }) })))).toContain(
      'not refreshed yet',
    );
    expect(text(render(chat({ diff_status: diffStatus() })))).toContain('no pull request yet');
  });

  it('offers "refresh now" only for a chat whose branch was reported', () => {
    expect(render(chatWithPr())).toContain('aria-label="Refresh now"');
    expect(render(chat())).not.toContain('Refresh now');
  });

  it('says "rate limited until HH:MM" while the status waits on a rate limit, and not after (issue 15)', () => {
    const until = new Date(Date.now() + 30 * 60_000);
    until.setSeconds(0, 0);
    const hhmm = `${String(until.getHours()).padStart(2, '0')}:${String(until.getMinutes()).padStart(2, '0')}`;
    const html = render(chatWithPr({ rate_limited_until: until.toISOString() }));
    expect(text(html)).toContain(`rate limited until ${hhmm}`);
    expect(html).toContain('class="rate-limited"');
    const over = new Date(Date.now() - 60_000).toISOString();
    expect(text(render(chatWithPr({ rate_limited_until: over })))).not.toContain('rate limited');
    expect(text(render(chatWithPr()))).not.toContain('rate limited');
  });

  it('names an untitled chat', () => {
    expect(text(render(chat({ title: '' })))).toContain('Untitled chat');
  });
});

describe('<ChatRow> checks and conflicts', () => {
  it('puts a labelled check mark, cross or dot beside the PR icon', () => {
    const failed = render(
      chatWithPr({ checks_state: 'failure', checks_passed: 2, checks_failed: 1, checks_pending: 0 }),
    );
    expect(failed).toContain('data-checks="failure"');
    expect(failed).toContain('aria-label="Checks failed: 2 passed, 1 failed"');
    expect(render(chatWithPr({ checks_state: 'pending', checks_pending: 1 }))).toContain('data-checks="pending"');
    expect(render(chatWithPr())).not.toContain('data-checks');
  });

  it('shows "conflicts" for a dirty PR only; unknown mergeability is no conflict', () => {
    expect(text(render(chatWithPr({ mergeable: false, mergeable_state: 'dirty' })))).toContain('conflicts');
    expect(text(render(chatWithPr({ mergeable_state: 'unknown' })))).not.toContain('conflicts');
    expect(text(render(chatWithPr()))).not.toContain('conflicts');
  });
});
