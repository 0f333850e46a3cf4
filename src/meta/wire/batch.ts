import { z } from 'zod'
import { MetaApiError } from '../vocabulary/errors.js'
import type { CallScope, MetaGovernor } from '../governor/governor.js'
import { errorFromBody, parseWith, throttleFacts } from './response.js'
import { encodeParams, type GraphTransport, type HttpMethod, type Params } from './transport.js'
import { parseUsageHeaders } from '../governor/usage-headers.js'

/** §1.6: at most 50 operations per batch request. */
export const MAX_BATCH_SIZE = 50

export interface BatchOperation<T = unknown> {
  method: HttpMethod
  /** Relative to the versioned base, e.g. `act_1/assigned_users`. */
  path: string
  params?: Params
  /** Rate-limit scope of this operation (defaults to platform limits). */
  scope?: CallScope
  schema: z.ZodType<T>
}

/** One result per operation, typed by each operation's schema (tuples stay tuples). */
export type BatchResults<Ops extends ReadonlyArray<BatchOperation<unknown>>> = {
  -readonly [K in keyof Ops]: BatchResult<Ops[K] extends BatchOperation<infer T> ? T : never>
}

export type BatchResult<T> =
  | { ok: true, status: number, value: T }
  | { ok: false, error: MetaApiError }

// §1.6: one element per operation, in request order; `null` for unfinished operations.
const BatchAnswerSchema = z.array(z.object({
  code: z.number(),
  headers: z.array(z.object({ name: z.string(), value: z.string() })).default([]),
  body: z.string().default('')
}).nullable())

function toBatchEntry (op: BatchOperation<unknown>): { method: HttpMethod, relative_url: string, body?: string } {
  const query = encodeParams(op.params).toString()
  if (op.method === 'POST') return { method: op.method, relative_url: op.path, body: query }
  return { method: op.method, relative_url: query === '' ? op.path : `${op.path}?${query}` }
}

function parseJsonBody (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return { __unparsable: text.slice(0, 200) }
  }
}

/**
 * Sends up to 50 operations in one request (§1.6). Failed operations come back as errors while
 * the others succeed; `null` entries (unfinished when the batch timed out) are re-sent, up to
 * `nullRetries` times, and reported as transient timeouts if they never complete.
 */
export async function runBatch<T> (
  transport: GraphTransport,
  governor: MetaGovernor,
  ops: ReadonlyArray<BatchOperation<T>>,
  options: { nullRetries: number, signal?: AbortSignal }
): Promise<Array<BatchResult<T>>> {
  const results = new Array<BatchResult<T> | undefined>(ops.length)
  let pending = ops.map((_, i) => i)
  for (let round = 0; pending.length > 0 && round <= options.nullRetries; round++) {
    const unfinished: number[] = []
    for (let start = 0; start < pending.length; start += MAX_BATCH_SIZE) {
      const chunk = pending.slice(start, start + MAX_BATCH_SIZE)
      unfinished.push(...await runChunk(transport, governor, ops, chunk, results, options.signal))
    }
    pending = unfinished
  }
  for (const i of pending) {
    const op = ops[i]
    const endpoint = op === undefined ? 'batch' : transport.endpoint(op.method, op.path)
    results[i] = {
      ok: false,
      error: new MetaApiError({
        message: 'batch operation did not complete (null entry)',
        source: 'timeout',
        errorClass: 'transient',
        endpoint
      })
    }
    transport.report({ endpoint, outcome: 'transient' })
  }
  return results as Array<BatchResult<T>>
}

async function runChunk<T> (
  transport: GraphTransport,
  governor: MetaGovernor,
  ops: ReadonlyArray<BatchOperation<T>>,
  chunk: number[],
  results: Array<BatchResult<T> | undefined>,
  signal?: AbortSignal
): Promise<number[]> {
  const chunkOps = chunk.map(i => ops[i] as BatchOperation<T>)
  // The batch request is one exchange (`POST /`); each operation is reported on its own below.
  const entries = await transport.exchange({
    method: 'POST',
    path: '',
    params: { batch: JSON.stringify(chunkOps.map(toBatchEntry)), include_headers: 'true' },
    scope: chunkOps.map(op => op.scope ?? { platform: true }),
    signal
  }, (answer) => {
    const parsed = BatchAnswerSchema.safeParse(answer.body)
    if (!parsed.success || parsed.data.length !== chunk.length) {
      throw new MetaApiError({
        message: 'batch answer is not an array of one entry per operation',
        source: 'response',
        errorClass: 'unexpected',
        endpoint: transport.endpoint('POST', '')
      })
    }
    return parsed.data
  })
  const unfinished: number[] = []
  entries.forEach((entry, j) => {
    const index = chunk[j] as number
    const op = chunkOps[j] as BatchOperation<T>
    if (entry === null) {
      unfinished.push(index)
      return
    }
    const endpoint = transport.endpoint(op.method, op.path)
    const headers = new Map(entry.headers.map(h => [h.name.toLowerCase(), h.value]))
    const body = parseJsonBody(entry.body)
    const error = errorFromBody(body, entry.code, endpoint, { get: n => headers.get(n) ?? null })
    governor.record(op.scope ?? { platform: true }, parseUsageHeaders(n => headers.get(n)),
      error === null ? null : throttleFacts(error))
    if (error !== null) {
      results[index] = { ok: false, error }
      transport.report({ endpoint, outcome: error.errorClass })
      return
    }
    try {
      results[index] = { ok: true, status: entry.code, value: parseWith(op.schema, body, endpoint) }
      transport.report({ endpoint, outcome: 'success' })
    } catch (err) {
      results[index] = { ok: false, error: err as MetaApiError }
      transport.report({ endpoint, outcome: 'unexpected' })
    }
  })
  return unfinished
}
