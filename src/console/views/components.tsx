import type { ComponentChildren } from 'preact'

export type Tone = 'ok' | 'warn' | 'bad' | 'neutral'

/** A state in words with a symbol: colour is never the only signal (WCAG 1.4.1). */
export function Badge (props: { tone: Tone, children: ComponentChildren }) {
  const symbol = { ok: '✓', warn: '!', bad: '✕', neutral: '•' }[props.tone]
  return <span class={`badge ${props.tone}`}><span aria-hidden='true'>{symbol} </span>{props.children}</span>
}

export const healthTone = (status: string): Tone =>
  status === 'healthy' ? 'ok' : status === 'degraded' ? 'warn' : status === 'failing' || status === 'down' ? 'bad' : 'neutral'

export function When (props: { at: Date | string | null | undefined, none?: string }) {
  if (props.at === null || props.at === undefined) return <span class='muted'>{props.none ?? 'never'}</span>
  const d = new Date(props.at)
  const iso = d.toISOString()
  return <time datetime={iso}>{iso.replace('T', ' ').slice(0, 19)} UTC</time>
}

/** A semantic table with a caption and column headers; wide tables scroll in a focusable region. */
export function DataTable (props: {
  caption: string,
  columns: ReadonlyArray<string | { label: string, num?: boolean }>,
  empty?: string,
  rows: ComponentChildren[],
  id?: string
}) {
  return (
    <div class='table-wrap' role='region' aria-label={props.caption} tabindex={0} id={props.id}>
      <table>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((c) => {
              const col = typeof c === 'string' ? { label: c } : c
              return <th key={col.label} scope='col' class={col.num === true ? 'num' : undefined}>{col.label}</th>
            })}
          </tr>
        </thead>
        <tbody>
          {props.rows.length === 0
            ? <tr><td colspan={props.columns.length} class='muted'>{props.empty ?? 'Nothing here.'}</td></tr>
            : props.rows}
        </tbody>
      </table>
    </div>
  )
}

export function CsrfField (props: { csrf: string }) {
  return <input type='hidden' name='_csrf' value={props.csrf} />
}

/** Previous / next links that keep every filter in the URL. */
export function Pager (props: {
  href: (offset: number) => string, offset: number, limit: number, total: number | null, shown: number, target?: string
}) {
  const { offset, limit, total, shown } = props
  const hasNext = total === null ? shown === limit : offset + shown < total
  const from = shown === 0 ? 0 : offset + 1
  return (
    <nav class='pager' aria-label='Pages'>
      <span>{total === null ? `Rows ${from}–${offset + shown}` : `Rows ${from}–${offset + shown} of ${total}`}</span>
      {offset > 0 && <a href={props.href(Math.max(0, offset - limit))} rel='prev'>Previous page</a>}
      {hasNext && <a href={props.href(offset + limit)} rel='next'>Next page</a>}
    </nav>
  )
}

export function Notice (props: { tone?: 'ok' | 'bad' | undefined, children: ComponentChildren, announce?: string }) {
  return <div class={`notice${props.tone === undefined ? '' : ` ${props.tone}`}`} data-announce={props.announce}>{props.children}</div>
}

/** Builds `path?query` from the values that are set, for shareable filter URLs. */
export function urlWith (path: string, params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s === '' ? path : `${path}?${s}`
}
