// Server-rendered SVG bar charts: no script, no inline style (the CSP allows neither), a title
// and description for assistive technology (SVG 2 §5.9; WAI-ARIA graphics role `img`), a
// legend in words, and the same numbers as a table behind each chart (WCAG 1.1.1, 1.4.1).

import { ChartTable } from './chart-table.js'

export interface Series { name: string, values: number[] }

const COLOURS = ['#0b57d0', '#b3261e', '#1e8e3e', '#e37400', '#6d28d9', '#00838f', '#5f6368', '#c2185b']
const W = 760
const H = 260
const M = { left: 48, right: 12, top: 12, bottom: 40 }

function niceMax (n: number): number {
  if (n <= 5) return 5
  const magnitude = 10 ** Math.floor(Math.log10(n))
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= n) return step * magnitude
  return 10 * magnitude
}

/** A stacked bar chart of series over labels (time buckets or categories). */
export function BarChart (props: {
  id: string, title: string, description: string, labels: string[], series: Series[], valueLabel: string
}) {
  const { labels, series } = props
  const totals = labels.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0))
  const max = niceMax(Math.max(0, ...totals))
  const plotW = W - M.left - M.right
  const plotH = H - M.top - M.bottom
  const slot = labels.length === 0 ? plotW : plotW / labels.length
  const barW = Math.max(1, slot * 0.8)
  const y = (v: number) => M.top + plotH - (v / max) * plotH
  const every = Math.max(1, Math.ceil(labels.length / 8))
  const titleId = `${props.id}-title`
  const descId = `${props.id}-desc`
  return (
    <figure class='chart' aria-labelledby={`${props.id}-caption`}>
      <figcaption id={`${props.id}-caption`}><strong>{props.title}</strong></figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role='img' aria-labelledby={`${titleId} ${descId}`}>
        <title id={titleId}>{props.title}</title>
        <desc id={descId}>{props.description}</desc>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={M.left} x2={W - M.right} y1={y(max * f)} y2={y(max * f)} stroke='#c9d1d9' />
            <text x={M.left - 6} y={y(max * f) + 4} text-anchor='end' font-size='11' fill='#1b1f24'>{Number((max * f).toFixed(1))}</text>
          </g>
        ))}
        {labels.map((label, i) => {
          let base = 0
          return (
            <g key={label}>
              {series.map((s, k) => {
                const v = s.values[i] ?? 0
                if (v === 0) return null
                const top = y(base + v)
                const height = y(base) - top
                base += v
                return (
                  <rect
                    key={s.name}
                    x={M.left + i * slot + (slot - barW) / 2}
                    y={top}
                    width={barW}
                    height={Math.max(height, 0.5)}
                    fill={COLOURS[k % COLOURS.length]} stroke='#ffffff' stroke-width='0.5'
                  >
                    <title>{`${label}: ${s.name} ${v}`}</title>
                  </rect>
                )
              })}
              {i % every === 0 && (
                <text x={M.left + i * slot + slot / 2} y={H - M.bottom + 16} text-anchor='middle' font-size='11' fill='#1b1f24'>{label}</text>
              )}
            </g>
          )
        })}
        <line x1={M.left} x2={W - M.right} y1={y(0)} y2={y(0)} stroke='#1b1f24' />
      </svg>
      <ul class='legend' aria-label={`Legend of ${props.title}`}>
        {series.map((s, k) => <li key={s.name}><span class={`swatch sw${k % COLOURS.length}`} aria-hidden='true' />{s.name}</li>)}
      </ul>
      <ChartTable
        title={props.title}
        valueLabel={props.valueLabel}
        head={<>{series.map((s) => <th key={s.name} scope='col' class='num'>{s.name}</th>)}<th scope='col' class='num'>Total</th></>}
      >
        {labels.map((label, i) => (
          <tr key={label}>
            <th scope='row'>{label}</th>
            {series.map((s) => <td key={s.name} class='num'>{s.values[i] ?? 0}</td>)}
            <td class='num'>{totals[i]}</td>
          </tr>
        ))}
      </ChartTable>
    </figure>
  )
}

/** Bucket starts from `since` to `until`, aligned as the series queries align them (date_bin from 2000-01-01). */
export function bucketStarts (since: Date, until: Date, bucketSeconds: number): Date[] {
  const origin = Date.UTC(2000, 0, 1)
  const ms = bucketSeconds * 1000
  const first = origin + Math.floor((since.getTime() - origin) / ms) * ms
  const out: Date[] = []
  for (let t = first; t < until.getTime(); t += ms) out.push(new Date(t))
  return out
}

/**
 * Points keyed by bucket and series name into series aligned to `buckets`; beyond `keep` series,
 * the rest are "other".
 */
export function seriesFrom (
  buckets: Date[], points: Array<{ at: Date, key: string, count: number }>, keep = 7
): Series[] {
  const totals = new Map<string, number>()
  for (const p of points) totals.set(p.key, (totals.get(p.key) ?? 0) + p.count)
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k)
  const kept = ranked.slice(0, keep)
  const names = ranked.length > keep ? [...kept, 'other'] : kept
  const index = new Map(buckets.map((b, i) => [b.getTime(), i]))
  const series = names.map((name) => ({ name, values: buckets.map(() => 0) }))
  for (const p of points) {
    const i = index.get(new Date(p.at).getTime())
    if (i === undefined) continue
    const name = kept.includes(p.key) ? p.key : 'other'
    const s = series.find((x) => x.name === name)
    if (s !== undefined) s.values[i] = (s.values[i] ?? 0) + p.count
  }
  return series
}
