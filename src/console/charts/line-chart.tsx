// Server-rendered SVG line charts, under the same rules as bar-chart.tsx: no script, no inline
// style (the CSP allows neither), a title and description for assistive technology (SVG 2
// §5.9; WAI-ARIA graphics role `img`) and the same numbers as a table (WCAG 1.1.1). Colour is
// never the only signal (WCAG 1.4.1): each line has its own dash pattern and marker shape, named
// in the legend in words, and shaded bands are hatched and labelled.

import { ChartTable } from './chart-table.js'

export interface LineSeries {
  name: string
  /** One value per label; null where nothing was sampled (the line breaks there). */
  values: Array<number | null>
  /** The right axis, for a second unit (the left one by default). */
  axis?: 'left' | 'right'
}

/** A shaded interval, in label positions: `from` 0 is the first bucket's start, `to` n the last one's end. */
export interface Band { from: number, to: number, label: string }

const COLOURS = ['#0b57d0', '#b3261e', '#1e8e3e', '#e37400', '#6d28d9', '#00838f', '#5f6368', '#c2185b']
/** Dash patterns and their names, so the legend can say which line is which without colour. */
const DASHES: Array<[string | undefined, string]> = [
  [undefined, 'solid'], ['8 4', 'dashed'], ['2 3', 'dotted'], ['10 3 2 3', 'dash-dot'],
  ['4 2', 'short dashes'], ['12 4', 'long dashes'], ['2 2 6 2', 'dot-dash'], ['1 4', 'sparse dots']
]
const MARKERS = ['circle', 'square', 'triangle', 'diamond', 'cross', 'bar', 'ring', 'plus'] as const
const W = 760
const PLOT_H = 190
const M = { left: 52, right: 52, top: 12 }

function niceMax (n: number): number {
  if (n <= 5) return 5
  const magnitude = 10 ** Math.floor(Math.log10(n))
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= n) return step * magnitude
  return 10 * magnitude
}

function Marker (props: { shape: typeof MARKERS[number], x: number, y: number, colour: string }) {
  const { x, y, colour } = props
  switch (props.shape) {
    case 'circle': return <circle cx={x} cy={y} r='3' fill={colour} />
    case 'square': return <rect x={x - 3} y={y - 3} width='6' height='6' fill={colour} />
    case 'triangle': return <polygon points={`${x},${y - 4} ${x - 4},${y + 3} ${x + 4},${y + 3}`} fill={colour} />
    case 'diamond': return <polygon points={`${x},${y - 4} ${x + 4},${y} ${x},${y + 4} ${x - 4},${y}`} fill={colour} />
    case 'cross': return <path d={`M${x - 3} ${y - 3}L${x + 3} ${y + 3}M${x - 3} ${y + 3}L${x + 3} ${y - 3}`} stroke={colour} stroke-width='2' />
    case 'bar': return <rect x={x - 1.5} y={y - 4} width='3' height='8' fill={colour} />
    case 'ring': return <circle cx={x} cy={y} r='3' fill='#ffffff' stroke={colour} stroke-width='1.5' />
    case 'plus': return <path d={`M${x - 4} ${y}H${x + 4}M${x} ${y - 4}V${y + 4}`} stroke={colour} stroke-width='2' />
  }
}

/** Runs of consecutive non-null values: a gap in the samples is a gap in the line. */
function runs (values: ReadonlyArray<number | null>): Array<Array<[number, number]>> {
  const out: Array<Array<[number, number]>> = []
  let current: Array<[number, number]> = []
  values.forEach((v, i) => {
    if (v === null) {
      if (current.length > 0) out.push(current)
      current = []
    } else {
      current.push([i, v])
    }
  })
  if (current.length > 0) out.push(current)
  return out
}

/** Lines of series over labels (time buckets), with optional hatched bands and a second axis. */
export function LineChart (props: {
  id: string
  title: string
  description: string
  labels: string[]
  series: LineSeries[]
  valueLabel: string
  /** Axis captions, e.g. "jobs", "minutes", "% used". */
  leftUnit: string
  rightUnit?: string
  /** A fixed top of the left axis (100 for percentages); else from the data. */
  leftMax?: number
  bands?: Band[]
  /** What a band means, for the legend ("paused"). */
  bandName?: string
  /** A text column of the table, one cell per label (e.g. which buckets were paused). */
  note?: { heading: string, values: string[] }
  /** How a value is written in the table. */
  format?: (v: number) => string
}) {
  const { labels, series } = props
  const format = props.format ?? ((v: number) => String(Number(v.toFixed(1))))
  const peak = (axis: 'left' | 'right') =>
    Math.max(0, ...series.filter((s) => (s.axis ?? 'left') === axis).flatMap((s) => s.values.filter((v) => v !== null)))
  const leftMax = props.leftMax ?? niceMax(peak('left'))
  const rightMax = niceMax(peak('right'))
  const hasRight = series.some((s) => s.axis === 'right')
  const plotW = W - M.left - M.right
  const plotH = PLOT_H
  const slot = labels.length === 0 ? plotW : plotW / labels.length
  const x = (i: number) => M.left + (i + 0.5) * slot
  const yOf = (axis: 'left' | 'right') => (v: number) =>
    M.top + plotH - (Math.min(v, axis === 'left' ? leftMax : rightMax) / (axis === 'left' ? leftMax : rightMax)) * plotH
  const every = Math.max(1, Math.ceil(labels.length / 8))
  const markEvery = Math.max(1, Math.ceil(labels.length / 24))
  const titleId = `${props.id}-title`
  const descId = `${props.id}-desc`
  const hatchId = `${props.id}-hatch`
  const bands = (props.bands ?? []).map((b) => ({ ...b, from: Math.max(0, b.from), to: Math.min(labels.length, b.to) }))
    .filter((b) => b.to > b.from)
  const style = (k: number) => ({ colour: COLOURS[k % COLOURS.length] ?? '#000000', dash: DASHES[k % DASHES.length], marker: MARKERS[k % MARKERS.length] ?? 'circle' })
  // The legend inside the picture too, below the time axis, the band's entry last: four
  // entries a row, two when a name is long (bucket keys are).
  const legendItems = series.length + (bands.length > 0 ? 1 : 0)
  const perRow = series.some((s) => s.name.length > 16) ? 2 : 4
  const legendSlot = (W - M.left - M.right) / Math.max(1, Math.min(perRow, legendItems))
  const legendTop = M.top + plotH + 40
  const legendAt = (k: number) => ({
    lx: M.left + (k % perRow) * legendSlot,
    ly: legendTop + 16 * Math.floor(k / perRow)
  })
  const H = legendTop + 16 * Math.ceil(legendItems / perRow) + 4
  return (
    <figure class='chart' aria-labelledby={`${props.id}-caption`}>
      <figcaption id={`${props.id}-caption`}><strong>{props.title}</strong></figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role='img' aria-labelledby={`${titleId} ${descId}`}>
        <title id={titleId}>{props.title}</title>
        <desc id={descId}>{props.description}</desc>
        <defs>
          <pattern id={hatchId} patternUnits='userSpaceOnUse' width='8' height='8' patternTransform='rotate(45)'>
            <rect width='8' height='8' fill='#fde7e9' />
            <line x1='0' y1='0' x2='0' y2='8' stroke='#b3261e' stroke-width='2' />
          </pattern>
        </defs>
        {bands.map((b, i) => (
          <g key={`band-${i}`}>
            <rect x={M.left + b.from * slot} y={M.top} width={Math.max(1, (b.to - b.from) * slot)} height={plotH} fill={`url(#${hatchId})`} fill-opacity='0.6' stroke='#b3261e' stroke-width='0.5'>
              <title>{b.label}</title>
            </rect>
          </g>
        ))}
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={M.left} x2={W - M.right} y1={yOf('left')(leftMax * f)} y2={yOf('left')(leftMax * f)} stroke='#c9d1d9' />
            <text x={M.left - 6} y={yOf('left')(leftMax * f) + 4} text-anchor='end' font-size='11' fill='#1b1f24'>{Number((leftMax * f).toFixed(1))}</text>
            {hasRight && (
              <text x={W - M.right + 6} y={yOf('right')(rightMax * f) + 4} text-anchor='start' font-size='11' fill='#1b1f24'>{Number((rightMax * f).toFixed(1))}</text>
            )}
          </g>
        ))}
        <text x={12} y={M.top + plotH / 2} text-anchor='middle' font-size='11' fill='#1b1f24' transform={`rotate(-90 12 ${M.top + plotH / 2})`}>{props.leftUnit}</text>
        {hasRight && props.rightUnit !== undefined && (
          <text x={W - 10} y={M.top + plotH / 2} text-anchor='middle' font-size='11' fill='#1b1f24' transform={`rotate(90 ${W - 10} ${M.top + plotH / 2})`}>{props.rightUnit}</text>
        )}
        {labels.map((label, i) => i % every === 0 && (
          <text key={label} x={x(i)} y={M.top + plotH + 16} text-anchor='middle' font-size='11' fill='#1b1f24'>{label}</text>
        ))}
        {series.map((s, k) => {
          const { colour, dash, marker } = style(k)
          const y = yOf(s.axis ?? 'left')
          return (
            <g key={s.name}>
              {runs(s.values).map((run, r) => (
                run.length === 1
                  ? null
                  : <polyline key={r} points={run.map(([i, v]) => `${x(i)},${y(v)}`).join(' ')} fill='none' stroke={colour} stroke-width='2' stroke-dasharray={dash?.[0]} />
              ))}
              {s.values.map((v, i) => v !== null && (i % markEvery === 0 || (s.values[i - 1] ?? null) === null) && (
                <g key={i}>
                  <Marker shape={marker} x={x(i)} y={y(v)} colour={colour} />
                  <title>{`${labels[i] ?? ''}: ${s.name} ${format(v)}`}</title>
                </g>
              ))}
            </g>
          )
        })}
        <line x1={M.left} x2={W - M.right} y1={M.top + plotH} y2={M.top + plotH} stroke='#1b1f24' />
        {series.map((s, k) => {
          const { colour, dash, marker } = style(k)
          const { lx, ly } = legendAt(k)
          return (
            <g key={`legend-${s.name}`}>
              <line x1={lx} x2={lx + 28} y1={ly} y2={ly} stroke={colour} stroke-width='2' stroke-dasharray={dash?.[0]} />
              <Marker shape={marker} x={lx + 14} y={ly} colour={colour} />
              <text x={lx + 34} y={ly + 4} font-size='11' fill='#1b1f24'>{s.name}</text>
            </g>
          )
        })}
        {bands.length > 0 && (() => {
          const { lx, ly } = legendAt(series.length)
          return (
            <g>
              <rect x={lx} y={ly - 6} width='28' height='12' fill={`url(#${hatchId})`} stroke='#b3261e' stroke-width='0.5' />
              <text x={lx + 34} y={ly + 4} font-size='11' fill='#1b1f24'>{`hatched: ${props.bandName ?? 'band'}`}</text>
            </g>
          )
        })()}
      </svg>
      <ul class='legend' aria-label={`Legend of ${props.title}`}>
        {series.map((s, k) => {
          const { dash, marker } = style(k)
          const unit = s.axis === 'right' ? props.rightUnit : props.leftUnit
          return <li key={s.name}>{`${s.name}: ${dash?.[1] ?? 'solid'} line, ${marker} markers${hasRight && unit !== undefined ? `, ${unit} (${s.axis === 'right' ? 'right' : 'left'} axis)` : ''}`}</li>
        })}
        {bands.length > 0 && <li>{`hatched band: ${props.bandName ?? 'band'}`}</li>}
      </ul>
      <ChartTable
        title={props.title}
        valueLabel={props.valueLabel}
        head={
          <>
            {series.map((s) => <th key={s.name} scope='col' class='num'>{s.name}</th>)}
            {props.note !== undefined && <th scope='col'>{props.note.heading}</th>}
          </>
        }
      >
        {labels.map((label, i) => (
          <tr key={label}>
            <th scope='row'>{label}</th>
            {series.map((s) => {
              const v = s.values[i]
              return <td key={s.name} class='num'>{v === null || v === undefined ? 'no sample' : format(v)}</td>
            })}
            {props.note !== undefined && <td>{props.note.values[i] ?? ''}</td>}
          </tr>
        ))}
      </ChartTable>
    </figure>
  )
}
