import { kindOf, scheduleEnv } from '../src/budget.js';
import { spliceBudget } from '../src/report.js';

const BEGIN = '<!-- budget: npm run bench -- --phases budget -->';
const END = '<!-- /budget -->';
const section = (text: string) => `${BEGIN}\n${text}\n${END}`;

describe('the budget phase (issue 15)', () => {
  it('runs the mix of a chat product: 20% open, 70% merged or closed, 10% without a PR', () => {
    const kinds = Array.from({ length: 100 }, (_, g) => kindOf(g));
    const count = (k: string) => kinds.filter((x) => x === k).length;
    expect([count('open'), count('merged') + count('closed'), count('no_pr')]).toEqual([20, 70, 10]);
  });

  it('scales every duration by one factor; the fixed schedule waits the TTL whatever the row', () => {
    const state = scheduleEnv(288, false);
    expect(state).toMatchObject({
      GITSYNC_DIFF_STATUS_TTL: '417',
      GITSYNC_TERMINAL_REFRESH_INTERVAL: '12500',
      GITSYNC_TERMINAL_REFRESH_MAX: '300000',
      GITSYNC_NO_PR_BACKOFF: '1042',
      GITSYNC_NO_PR_BACKOFF_MAX: '12500',
    });
    const fixed = scheduleEnv(288, true);
    for (const key of [
      'GITSYNC_NO_PR_RETRY',
      'GITSYNC_NO_PR_BACKOFF',
      'GITSYNC_NO_PR_BACKOFF_MAX',
      'GITSYNC_TERMINAL_REFRESH_INTERVAL',
      'GITSYNC_TERMINAL_REFRESH_MAX',
    ])
      expect(fixed[key]).toBe(fixed.GITSYNC_DIFF_STATUS_TTL);
  });

  it('replaces only its own section of BENCHMARKS.md, or adds it before how the figures are made', () => {
    const doc = '# Benchmarks\n\n### Ceiling\n| a |\n\n## How the figures are made\n\n- text\n';
    const added = spliceBudget(doc, section('first run'));
    expect(added).toBe(
      `# Benchmarks\n\n### Ceiling\n| a |\n\n${section('first run')}\n\n## How the figures are made\n\n- text\n`,
    );
    const replaced = spliceBudget(added, section('second run'));
    expect(replaced).toBe(added.replace('first run', 'second run'));
  });
});
