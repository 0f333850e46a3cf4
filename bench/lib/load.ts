import autocannon from 'autocannon'

export interface LoadPoint {
  connections: number
  rps: number
  p50: number
  p99: number
  requests: number
  errors: number
  non2xx: number
  durationSeconds: number
  loadAvg: number
}

export interface LoadSpec {
  baseUrl: string
  method: 'GET' | 'POST' | 'PATCH'
  headers?: Record<string, string>
  /** Builds each request's path and body; `n` counts requests across the whole run. */
  next: (n: number) => { path: string, body?: string }
}

let counter = 0

/** One autocannon run; latencies in ms, throughput in requests per second (2xx only count as work). */
export async function measure (spec: LoadSpec, connections: number, durationSeconds: number): Promise<LoadPoint> {
  const result = await autocannon({
    url: spec.baseUrl,
    connections,
    duration: durationSeconds,
    pipelining: 1,
    timeout: 30,
    requests: [{
      method: spec.method,
      headers: spec.headers,
      setupRequest: (request) => {
        const { path, body } = spec.next(counter++)
        return { ...request, path, ...(body === undefined ? {} : { body }) }
      }
    }]
  })
  const seconds = result.duration || durationSeconds
  const ok = result['2xx']
  return {
    connections,
    rps: ok / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    durationSeconds: seconds,
    loadAvg: (await import('node:os')).loadavg()[0] ?? 0
  }
}
