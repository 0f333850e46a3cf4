import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createMetrics } from '../../src/metrics/registry.js'
import { repoRoot } from '../helpers/child-process.js'

// The dashboard and docs/operations.md name metrics by hand; these tests keep them honest.

async function allFamilies (): Promise<Set<string>> {
  const metrics = createMetrics({ defaultMetrics: false })
  // Feed every collect-at-scrape group so its families are registered.
  metrics.observeDatabasePool({ totalCount: 1, idleCount: 1, waitingCount: 0 })
  metrics.observeQueues(() => [])
  metrics.observeGovernor(() => ({ buckets: [] }))
  metrics.observeSync(() => ({ oldestSuccessAgeSeconds: null }))
  metrics.observeRemovalBrake(() => ({ heldRemovals: 0, brakedTenants: 0 }))
  metrics.observeOverload(() => ({ eventLoopDelayMs: 0, heapUsedBytes: 0, overloaded: null }))
  metrics.observeTenantHealth(() => ({ healthy: 0, degraded: 0, failing: 0 }))
  const body = (await metrics.render()).body
  return new Set([...body.matchAll(/^# TYPE (scim_bridge_\w+) /gm)].map((m) => m[1] as string))
}

// Grafana's variable syntax, not a template literal.
const DATASOURCE_VARIABLE = '$' + '{datasource}'
const family = (name: string): string => name.replace(/_(bucket|sum|count)$/, '')
const named = (text: string): Set<string> => new Set([...text.matchAll(/\bscim_bridge_\w+/g)].map((m) => family(m[0])))

interface Panel { id: number, type: string, gridPos: { h: number, w: number, x: number, y: number }, targets?: Array<{ expr: string }>, datasource?: { uid: string } }

t.test('the Grafana dashboard is valid JSON over metrics that exist', async (t) => {
  const dashboard = JSON.parse(readFileSync(join(repoRoot, 'docs/grafana-dashboard.json'), 'utf8')) as { panels: Panel[], uid: string, templating: { list: Array<{ name: string }> } }
  t.equal(dashboard.uid, 'scim-meta-bridge')
  t.ok(dashboard.templating.list.some((v) => v.name === 'datasource'), 'data source is a variable, chosen at import')
  const ids = dashboard.panels.map((p) => p.id)
  t.equal(new Set(ids).size, ids.length, 'panel ids are unique')
  for (const p of dashboard.panels) {
    t.ok(p.gridPos.w > 0 && p.gridPos.x + p.gridPos.w <= 24, `panel ${p.id} fits the 24-column grid`)
    if (p.type !== 'row') t.equal(p.datasource?.uid, DATASOURCE_VARIABLE, `panel ${p.id} uses the data source variable`)
  }
  const families = await allFamilies()
  const exprs = dashboard.panels.flatMap((p) => p.targets ?? []).map((target) => target.expr).join('\n')
  const used = named(exprs)
  t.ok(used.size >= 20, 'the dashboard covers the metrics')
  for (const name of used) t.ok(families.has(name), `${name} exists`)
})

t.test('docs/operations.md lists every metric, and only metrics that exist', async (t) => {
  const families = await allFamilies()
  const documented = named(readFileSync(join(repoRoot, 'docs/operations.md'), 'utf8'))
  for (const name of families) t.ok(documented.has(name), `${name} is documented`)
  for (const name of documented) t.ok(families.has(name), `${name} (in the docs) exists`)
})
