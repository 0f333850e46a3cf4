import type { ComponentChildren } from 'preact'

/**
 * The data behind a chart, as a table under a disclosure: every chart has one, so what the SVG
 * shows is also there for screen readers and for copying (docs/console.md "Charts").
 */
export function ChartTable (
  props: { title: string, valueLabel: string, head: ComponentChildren, children: ComponentChildren }
) {
  return (
    <details>
      <summary>Show {props.title.toLowerCase()} as a table</summary>
      <div class='table-wrap' role='region' aria-label={`${props.title} data`} tabindex={0}>
        <table>
          <caption>{props.title}: {props.valueLabel}</caption>
          <thead>
            <tr><th scope='col'>When</th>{props.head}</tr>
          </thead>
          <tbody>{props.children}</tbody>
        </table>
      </div>
    </details>
  )
}
