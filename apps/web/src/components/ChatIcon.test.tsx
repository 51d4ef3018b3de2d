import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { colors } from '../pr-icon';
import { chat } from '../test-support/fixtures';
import { cases, make } from '../test-support/icon-cases';
import { ChatIcon } from './ChatIcon';

/** Renders the real component (as the browser gets it) and reads back what a user and a screen reader get. */
function render(node: ReactElement) {
  const html = renderToStaticMarkup(node);
  const attr = (name: string) => new RegExp(`<span[^>]* ${name}="([^"]*)"`).exec(html)?.[1];
  return {
    html,
    label: attr('aria-label'),
    role: attr('role'),
    title: attr('title'),
    icon: attr('data-icon'),
    style: attr('style'),
  };
}

describe('<ChatIcon>', () => {
  it.each(cases)('%s chat, PR %s → lucide %s in %s, labelled "%s"', (status, pr, name, color, label) => {
    const out = render(<ChatIcon chat={make(status, pr)} />);
    expect(out.role).toBe('img');
    expect(out.label).toBe(label);
    expect(out.title).toBe(label);
    expect(out.icon).toBe(name);
    // lucide names its svg after the icon: the drawing really is that icon, not just the label.
    expect(out.html).toContain(`lucide-${name}`);
    expect(out.style).toBe(`color:${colors[color as keyof typeof colors]}`);
    // The svg is decoration; the label speaks for it.
    expect(out.html).toMatch(/<svg[^>]*aria-hidden="true"/);
  });

  it('animates the spinner of a working chat only', () => {
    expect(render(<ChatIcon chat={chat({ status: 'running' })} />).html).toMatch(/<svg[^>]*class="[^"]*\bspin\b/);
    expect(render(<ChatIcon chat={chat({ status: 'pending' })} />).html).toMatch(/<svg[^>]*class="[^"]*\bspin\b/);
    expect(render(<ChatIcon chat={chat({ status: 'paused' })} />).html).not.toMatch(/\bspin\b/);
  });
});
