import type { SimulatorSettings } from './settings.js'
import type { SimStore } from './state/store.js'

/** What route handlers see: the state, the live settings and the simulator's clock. */
export interface SimContext {
  store: SimStore
  settings: SimulatorSettings
  now: () => number
}

/** Graph datetime format, e.g. 2026-09-30T12:00:00+0000 (§6 example, [U]). */
export function graphTime (ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000')
}
