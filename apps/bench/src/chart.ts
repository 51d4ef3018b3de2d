import type { BenchResults } from './figures.js';

interface Bar {
  label: string;
  value: number;
  kind: 'ceiling' | 'first' | 'steady';
}

const COLORS: Record<Bar['kind'], string> = { ceiling: '#9ca3af', first: '#2563eb', steady: '#16a34a' };
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A horizontal bar chart of refresh throughput next to the no-op ceiling of the same worker
 * count, as a standalone SVG (no external chart service, renders on GitHub).
 */
export function throughputChart(r: BenchResults): string {
  const groups = r.ceiling.map((c) => ({
    title: `${c.workers} worker process${c.workers > 1 ? 'es' : ''} × concurrency ${c.concurrency}`,
    bars: [
      { label: 'no-op BullMQ ceiling', value: c.jobsPerSec, kind: 'ceiling' } as Bar,
      ...r.refresh
        .filter((f) => f.workers === c.workers)
        .map((f): Bar => ({ label: `refresh, ${f.latencyMs} ms, ${f.pass} pass`, value: f.rowsPerSec, kind: f.pass })),
    ],
  }));
  const max = Math.max(1, ...groups.flatMap((g) => g.bars.map((b) => b.value)));
  const labelW = 210;
  const barW = 440;
  const rowH = 22;
  const width = labelW + barW + 90;
  const parts: string[] = [];
  let y = 40;
  for (const g of groups) {
    parts.push(`<text x="10" y="${y}" font-weight="bold">${esc(g.title)}</text>`);
    y += 10;
    const top = y;
    for (const b of g.bars) {
      const w = Math.max(1, Math.round((b.value / max) * barW));
      parts.push(
        `<text x="${labelW - 8}" y="${y + 15}" text-anchor="end">${esc(b.label)}</text>`,
        `<rect x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 6}" fill="${COLORS[b.kind]}"/>`,
        `<text x="${labelW + w + 6}" y="${y + 15}">${b.value.toLocaleString('en-US')}/s</text>`,
      );
      y += rowH;
    }
    // The target: refresh at 0 ms reaches 30% of the ceiling.
    const ceiling = g.bars[0]?.value ?? 0;
    const x = labelW + Math.round(((0.3 * ceiling) / max) * barW);
    parts.push(
      `<line x1="${x}" y1="${top}" x2="${x}" y2="${y}" stroke="#dc2626" stroke-dasharray="4 3"/>`,
      `<text x="${x + 4}" y="${y + 12}" fill="#dc2626" font-size="10">30% of ceiling</text>`,
    );
    y += 24;
  }
  const height = y + 10;
  const title =
    'gitsync bench: rows/s vs no-op ceiling ' + `(${r.meta.rows.toLocaleString('en-US')} rows, ${r.meta.cores} cores)`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${esc(title)}</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
