import { cases, make, statuses } from './test-support/icon-cases';
import { chat } from './test-support/fixtures';
import { colors, iconFor } from './pr-icon';

describe('iconFor', () => {
  it('covers every status × pull-request state (48 combinations)', () => {
    expect(cases).toHaveLength(48);
  });

  it.each(cases)('%s chat, PR %s → %s (%s, "%s")', (status, pr, name, color, label) => {
    const config = iconFor(make(status, pr));
    expect({ name: config.name, color: config.color, label: config.label }).toEqual({ name, color, label });
    expect(config.icon.displayName ?? '').not.toBe('');
  });

  it('spins only for running and pending chats', () => {
    for (const status of statuses)
      expect(iconFor(chat({ status })).spin).toBe(status === 'running' || status === 'pending');
  });

  it('uses the sidebar colours of the Go system', () => {
    expect(colors[iconFor(make('completed', 'merged')).color]).toBe('#8250df');
    expect(colors[iconFor(make('waiting', 'open')).color]).toBe('#1a7f37');
    expect(colors[iconFor(make('waiting', 'closed')).color]).toBe('#cf222e');
  });

  it('gives every icon a distinct accessible label per meaning', () => {
    const labels = new Set(cases.map((c) => c[4]));
    expect([...labels].sort()).toEqual(
      [
        'Completed',
        'Draft pull request',
        'Error',
        'Paused',
        'Pending',
        'Pull request closed',
        'Pull request merged',
        'Pull request open',
        'Running',
        'Waiting for input',
      ].sort(),
    );
  });
});
