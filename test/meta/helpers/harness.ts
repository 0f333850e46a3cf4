import type { Test } from 'tap'
import { createMetaClient, type MetaClient, type MetaClientOptions } from '../../../src/meta/client.js'
import { MetaGovernor, type GovernorOptions } from '../../../src/meta/governor/governor.js'
import { buildSimulator, type BuildSimulatorOptions } from '../../../src/simulator/app.js'
import type { Simulator } from '../../../src/simulator/simulator.js'
import type { SeedBusinessInput, SeededBusiness } from '../../../src/simulator/state/seed.js'

export const API_VERSION = 'v26.0'

export interface RunningSimulator {
  sim: Simulator
  /** http://127.0.0.1:<port> */
  url: string
}

/** Starts the simulator on 127.0.0.1, an ephemeral port, closed when the test ends. */
export async function startSimulator (t: Test, options: BuildSimulatorOptions = {}): Promise<RunningSimulator> {
  const { app, sim } = await buildSimulator(options)
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(async () => { await app.close() })
  return { sim, url }
}

export interface Setup extends RunningSimulator {
  seeded: SeededBusiness
  businessId: string
  client: MetaClient
  governor: MetaGovernor
}

/** Simulator + seeded business + a client for it, with fast retries for tests. */
export async function setup (t: Test, options: {
  sim?: BuildSimulatorOptions
  business?: SeedBusinessInput
  client?: Partial<MetaClientOptions>
  governor?: GovernorOptions
} = {}): Promise<Setup> {
  const running = await startSimulator(t, options.sim)
  const seeded = running.sim.seedBusiness(options.business)
  const governor = options.client?.governor ?? new MetaGovernor({ random: () => 0, ...options.governor })
  const client = createMetaClient({
    graphUrl: running.url,
    apiVersion: API_VERSION,
    accessToken: seeded.token,
    businessId: seeded.business.id,
    timeoutMs: 5000,
    governor,
    random: () => 0,
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
    ...options.client
  })
  return { ...running, seeded, businessId: seeded.business.id, client, governor }
}

/** Raw Graph call for simulator tests that must not go through the client. */
export async function graph (url: string, token: string | null, method: string, path: string, params: Record<string, string> = {}): Promise<{ status: number, body: any, headers: Headers }> {
  const u = new URL(`${url}/${path.replace(/^\//, '')}`)
  const init: RequestInit = { method, headers: token === null ? {} : { authorization: `Bearer ${token}` } }
  if (method === 'POST') {
    init.body = new URLSearchParams(params).toString()
    init.headers = { ...init.headers, 'content-type': 'application/x-www-form-urlencoded' }
  } else {
    u.search = new URLSearchParams(params).toString()
  }
  const res = await fetch(u, init)
  const text = await res.text()
  return { status: res.status, body: text === '' ? null : JSON.parse(text), headers: res.headers }
}
