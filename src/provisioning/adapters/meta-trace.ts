import { AsyncLocalStorage } from 'node:async_hooks'

// The Meta client returns values, not responses; Meta's `x-fb-trace-id` of a successful call
// (meta-graph-api.md §4.1: short-lived, log it at the time) is caught here, on the way through
// the fetch the client is given, for the audit event of the step that made the call.

interface TraceHolder { traceId: string | null }

const storage = new AsyncLocalStorage<TraceHolder>()

/** A fetch that notes the trace id of each answer for whoever runs inside `traced`. */
export function tracingFetch (inner: typeof fetch = globalThis.fetch): typeof fetch {
  return async (input, init) => {
    const res = await inner(input, init)
    const holder = storage.getStore()
    const trace = res.headers.get('x-fb-trace-id')
    if (holder !== undefined && trace !== null) holder.traceId = trace
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
