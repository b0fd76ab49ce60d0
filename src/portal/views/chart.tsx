import type { DaySeries } from '../load-dashboard';

const W = 640;
const H = 200;
const PAD = { l: 36, r: 8, t: 10, b: 24 };
// Sales are dashed, so the lines differ without colour (colour blindness, a grey print).
const SERIES = [
  { key: 'clicks', label: 'Clicks', color: '#2457d6', dash: undefined },
  { key: 'leads', label: 'Leads', color: '#d68a24', dash: undefined },
  { key: 'sales', label: 'Sales', color: '#1f9d55', dash: '6 4' },
] as const;

/** Clicks, leads and sales per day as an inline SVG line chart, with the numbers as a table too. */
export function DailyChart({ series }: { series: DaySeries[] }) {
  const max = Math.max(1, ...series.flatMap((d) => [d.clicks, d.leads, d.sales]));
  const x = (i: number) => PAD.l + (series.length <= 1 ? 0 : (i * (W - PAD.l - PAD.r)) / (series.length - 1));
  const y = (v: number) => H - PAD.b - (v * (H - PAD.t - PAD.b)) / max;
  const first = series[0]?.day ?? '';
  const last = series[series.length - 1]?.day ?? '';
  return (
    <figure>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-labelledby="chart-title chart-desc">
        <title id="chart-title">Clicks, leads and sales per day</title>
        <desc id="chart-desc">{`From ${first} to ${last}; the table below lists the same numbers.`}</desc>
        <line x1={PAD.l} y1={H - PAD.b} x2={W - PAD.r} y2={H - PAD.b} stroke="currentColor" stroke-opacity="0.3" />
        <text x={4} y={PAD.t + 8}>{max}</text>
        <text x={4} y={H - PAD.b}>0</text>
        <text x={PAD.l} y={H - 6}>{first}</text>
        <text x={W - PAD.r - 64} y={H - 6}>{last}</text>
        {SERIES.map((s) => (
          <polyline
            data-series={s.key}
            fill="none"
            stroke={s.color}
            stroke-width="2"
            stroke-dasharray={s.dash}
            points={series.map((d, i) => `${x(i).toFixed(1)},${y(d[s.key]).toFixed(1)}`).join(' ')}
          />
        ))}
      </svg>
      <figcaption class="muted">
        {SERIES.map((s) => (
          // The swatch is SVG so its colour and dash are attributes: the CSP refuses inline style attributes.
          <span class="key">
            <svg width="20" height="10" aria-hidden="true"><line x1="0" y1="5" x2="20" y2="5" stroke={s.color} stroke-width="2" stroke-dasharray={s.dash ? '4 3' : undefined} /></svg> {s.label}
          </span>
        ))}
      </figcaption>
      <details>
        <summary>Numbers per day</summary>
        <table>
          <thead>
            <tr><th>Day (UTC)</th><th class="num">Clicks</th><th class="num">Leads</th><th class="num">Sales</th></tr>
          </thead>
          <tbody>
            {series.map((d) => (
              <tr><td>{d.day}</td><td class="num">{d.clicks}</td><td class="num">{d.leads}</td><td class="num">{d.sales}</td></tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
