import type { ConcurrencySummary } from './summary.ts';

const WIDTH = 640;
const HEIGHT = 380;
const MARGIN = { top: 76, right: 32, bottom: 52, left: 72 };
const SERIES = [
  { key: 'baseline', label: 'baseline (bare node:http, same bytes)', color: '#6b7280', dash: '6 4' },
  { key: 'sluice', label: 'Sluice', color: '#2563eb', dash: '' },
] as const;

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function formatCount(value: number): string {
  if (value >= 1e6) return `${+(value / 1e6).toFixed(1)}M`;
  if (value >= 1e3) return `${+(value / 1e3).toFixed(1)}k`;
  return String(Math.round(value));
}

/** Grid values 1, 2 and 5 times each power of ten between `low` and `high`. */
function logTicks(low: number, high: number): number[] {
  const ticks: number[] = [];
  for (let power = 10 ** Math.floor(Math.log10(low)); power <= high; power *= 10) {
    for (const unit of [1, 2, 5]) {
      const value = unit * power;
      if (value >= low && value <= high) ticks.push(value);
    }
  }
  return ticks;
}

/**
 * Events per second against concurrency for both servers, as a standalone SVG. Both axes are
 * logarithmic in effect: concurrency 1, 10, 100 evenly spaced, and throughput on a log scale,
 * because the two servers are an order of magnitude or more apart.
 */
export function throughputChart(summary: ConcurrencySummary[], subtitle: string): string {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const values = summary
    .flatMap((s) => [s.baseline.eventsPerSecond, s.sluice.eventsPerSecond])
    .filter((v) => v > 0);
  const low = 10 ** Math.floor(Math.log10(Math.min(...values, 1e6)));
  const high = 10 ** Math.ceil(Math.log10(Math.max(...values, 10)));
  const x = (i: number) => MARGIN.left + ((i + 0.5) / summary.length) * plotW;
  const y = (v: number) =>
    MARGIN.top + plotH - ((Math.log10(Math.max(v, low)) - Math.log10(low)) / Math.log10(high / low)) * plotH;
  const bottom = MARGIN.top + plotH;

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">`,
    '<title>Events per second against concurrency, baseline and Sluice</title>',
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="22" font-size="15" font-weight="600" fill="#111827">Events per second by concurrency (log scale, higher is better)</text>`,
    `<text x="${MARGIN.left}" y="40" fill="#6b7280">${escapeXml(subtitle)}</text>`,
  ];
  for (const tick of logTicks(low, high)) {
    const yy = y(tick).toFixed(1);
    const major = Number.isInteger(Math.log10(tick));
    out.push(
      `<line x1="${MARGIN.left}" y1="${yy}" x2="${MARGIN.left + plotW}" y2="${yy}" stroke="${major ? '#d1d5db' : '#f0f1f3'}"/>`,
      `<text x="${MARGIN.left - 8}" y="${yy}" text-anchor="end" dominant-baseline="middle" fill="${major ? '#374151' : '#9ca3af'}">${formatCount(tick)}</text>`,
    );
  }
  summary.forEach((s, i) => {
    const xx = x(i).toFixed(1);
    out.push(
      `<line x1="${xx}" y1="${bottom}" x2="${xx}" y2="${bottom + 5}" stroke="#374151"/>`,
      `<text x="${xx}" y="${bottom + 19}" text-anchor="middle" fill="#374151">${s.concurrency}</text>`,
    );
  });
  out.push(
    `<line x1="${MARGIN.left}" y1="${bottom}" x2="${MARGIN.left + plotW}" y2="${bottom}" stroke="#374151"/>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${bottom}" stroke="#374151"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 12}" text-anchor="middle" fill="#111827">concurrent streams</text>`,
    `<text transform="translate(16 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#111827">events / s</text>`,
  );
  let legendX = MARGIN.left;
  for (const series of SERIES) {
    const dash = series.dash ? ` stroke-dasharray="${series.dash}"` : '';
    const points = summary.map((s, i) => [x(i), y(s[series.key].eventsPerSecond)] as const);
    out.push(
      `<polyline points="${points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ')}" fill="none" stroke="${series.color}" stroke-width="2.5"${dash}/>`,
    );
    points.forEach(([px, py], i) => {
      const s = summary[i]!;
      const value = s[series.key].eventsPerSecond;
      // The higher series is labelled above its points and the lower one below, so labels never meet.
      const other = s[series.key === 'sluice' ? 'baseline' : 'sluice'].eventsPerSecond;
      const label =
        series.key === 'sluice'
          ? `${formatCount(value)} (×${s.ratio.eventsPerSecond.toFixed(2)})`
          : formatCount(value);
      out.push(
        `<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="4" fill="${series.color}"/>`,
        `<text x="${px.toFixed(1)}" y="${(py + (value >= other ? -10 : 19)).toFixed(1)}" text-anchor="middle" fill="${series.color}">${escapeXml(label)}</text>`,
      );
    });
    out.push(
      `<line x1="${legendX}" y1="58" x2="${legendX + 24}" y2="58" stroke="${series.color}" stroke-width="2.5"${dash}/>`,
      `<text x="${legendX + 30}" y="58" dominant-baseline="middle" fill="#111827">${escapeXml(series.label)}</text>`,
    );
    legendX += 40 + series.label.length * 6.6;
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
