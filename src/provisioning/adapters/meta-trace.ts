import { AsyncLocalStorage } from 'node:async_hooks'

// The Meta client returns values, not responses; Meta's `x-fb-trace-id` of a successful call
// (meta-graph-api.md §4.1: short-lived, log it at the time) is caught here, on the way through
// the fetch the client is given, for the audit event of the step that made the call. The same
// fetch also lists every HTTP exchange of one reconcile for its trace (docs/provisioning.md,
// "Reconcile traces"): method, path, status, Meta's error code and subcode, trace id, duration.

interface TraceHolder { traceId: string | null }

/** One Graph HTTP exchange as a reconcile trace keeps it: never a token, header or proof. */
export interface GraphCallTrace {
  method: string
  /** The URL's path, e.g. `/v23.0/123/business_users`. */
  path: string
  /** The query without `access_token`, `appsecret_proof` and `appsecret_time`; null when empty. */
  query: string | null
  /** null: no answer (network failure, timeout). */
  status: number | null
  outcome: 'success' | 'error' | 'no_answer'
  error_code: number | null
  error_subcode: number | null
  error_type: string | null
  error_message: string | null
  trace_id: string | null
  duration_ms: number
}

const storage = new AsyncLocalStorage<TraceHolder>()
const calls = new AsyncLocalStorage<GraphCallTrace[]>()

/** Query parameters that carry or prove the credential (meta-graph-api.md §7). */
const CREDENTIALS = new Set(['access_token', 'appsecret_proof', 'appsecret_time'])
const MAX_MESSAGE = 500

/** A fetch that notes the trace id of each answer for whoever runs inside `traced`. */
export function tracingFetch (inner: typeof fetch = globalThis.fetch): typeof fetch {
  return async (input, init) => {
    const collector = calls.getStore()
    const started = performance.now()
    let res: Response
    try {
      res = await inner(input, init)
    } catch (err) {
      if (collector !== undefined) collector.push({ ...callOf(input, init), ...noAnswer(started) })
      throw err
    }
    const holder = storage.getStore()
    const trace = res.headers.get('x-fb-trace-id')
    if (holder !== undefined && trace !== null) holder.traceId = trace
    if (collector !== undefined) collector.push(await answeredCall(input, init, res, started))
    return res
  }
}

/** Runs `fn`, answering its result and the trace id of the last Meta answer it received. */
export async function traced<T> (fn: () => Promise<T>): Promise<{ value: T, traceId: string | null }> {
  const holder: TraceHolder = { traceId: null }
  const value = await storage.run(holder, fn)
  return { value, traceId: holder.traceId }
}

/** The trace id seen so far inside the current `traced` call (for failures). */
export function currentTraceId (): string | null {
  return storage.getStore()?.traceId ?? null
}

/**
 * Runs `fn`, appending every Graph exchange made inside it to `into`, in the order they were
 * answered; whatever `fn` throws, the calls made before are in `into`.
 */
export async function collectingCalls<T> (into: GraphCallTrace[], fn: () => Promise<T>): Promise<T> {
  return await calls.run(into, fn)
}

type FetchInput = Parameters<typeof fetch>[0]

function callOf (input: FetchInput, init: RequestInit | undefined): Pick<GraphCallTrace, 'method' | 'path' | 'query'> {
  const url = new URL(input instanceof Request ? input.url : String(input))
  for (const name of CREDENTIALS) url.searchParams.delete(name)
  const query = url.searchParams.toString()
  const method = init?.method ?? (input instanceof Request ? input.method : 'GET')
  return { method: method.toUpperCase(), path: url.pathname, query: query === '' ? null : query }
}

function noAnswer (started: number): Omit<GraphCallTrace, 'method' | 'path' | 'query'> {
  return {
    status: null,
    outcome: 'no_answer',
    error_code: null,
    error_subcode: null,
    error_type: null,
    error_message: null,
    trace_id: null,
    duration_ms: elapsed(started)
  }
}

/** The error body is read from a clone, and only for a status outside 2xx (§4.1 error envelope). */
async function answeredCall (
  input: FetchInput, init: RequestInit | undefined, res: Response, started: number
): Promise<GraphCallTrace> {
  const call: GraphCallTrace = {
    ...callOf(input, init),
    status: res.status,
    outcome: res.ok ? 'success' : 'error',
    error_code: null,
    error_subcode: null,
    error_type: null,
    error_message: null,
    trace_id: res.headers.get('x-fb-trace-id'),
    duration_ms: elapsed(started)
  }
  if (res.ok) return call
  const error = await errorEnvelope(res)
  if (error === null) return call
  return {
    ...call,
    error_code: numberOrNull(error.code),
    error_subcode: numberOrNull(error.error_subcode),
    error_type: typeof error.type === 'string' ? error.type : null,
    error_message: typeof error.message === 'string' ? scrub(error.message, tokenOf(init)) : null
  }
}

async function errorEnvelope (res: Response): Promise<Record<string, unknown> | null> {
  try {
    const body: unknown = await res.clone().json()
    const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined
    return typeof error === 'object' && error !== null ? error as Record<string, unknown> : null
  } catch {
    return null
  }
}

/** The bearer token the client sent, so an error message that echoes it can be cleaned. */
function tokenOf (init: RequestInit | undefined): string | null {
  const value = new Headers(init?.headers).get('authorization')
  return value?.startsWith('Bearer ') === true ? value.slice('Bearer '.length) : null
}

function scrub (message: string, token: string | null): string {
  const clean = token === null || token === '' ? message : message.split(token).join('[token]')
  return clean.length > MAX_MESSAGE ? `${clean.slice(0, MAX_MESSAGE)}…` : clean
}

function numberOrNull (value: unknown): number | null {
  const n = typeof value === 'string' ? Number(value) : value
  return typeof n === 'number' && Number.isFinite(n) ? n : null
}

function elapsed (started: number): number {
  return Math.round((performance.now() - started) * 1000) / 1000
}
