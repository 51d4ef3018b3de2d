import { renderToStaticMarkup } from 'react-dom/server';
import { DiffView } from './DiffView';

const DIFF = [
  'diff --git a/src/app.ts b/src/app.ts',
  'index 83db48f..bf269f4 100644',
  '--- a/src/app.ts',
  '+++ b/src/app.ts',
  '@@ -1,3 +1,3 @@',
  ' const a = 1;',
  '-const b = 2;',
  '+const b = 3;',
  ' export { a, b };',
  'diff --git a/README.md b/README.md',
  'new file mode 100644',
  'index 0000000..e69de29',
  '--- /dev/null',
  '+++ b/README.md',
  '@@ -0,0 +1 @@',
  '+# <hello>',
  '',
].join('\n');

describe('<DiffView>', () => {
  it('shows each file under its header, insertions and deletions marked, text escaped', () => {
    const html = renderToStaticMarkup(<DiffView text={DIFF} />);
    expect(html.match(/class="diff-file-header"/g)).toHaveLength(2);
    expect(html).toContain('>src/app.ts</h3>');
    expect(html).toContain('data-change="add">README.md</h3>');
    expect(html).toMatch(/diff-code-delete[^>]*>.*const b = 2;/);
    expect(html).toMatch(/diff-code-insert[^>]*>.*const b = 3;/);
    expect(html).toContain('# &lt;hello&gt;');
  });

  it('says so when nothing changed', () => {
    expect(renderToStaticMarkup(<DiffView text="" />)).toContain('No changes.');
  });
});
