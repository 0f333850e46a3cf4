import type { SimContext } from '../context.js'
import { authenticate } from './auth.js'
import type { GraphDispatcher } from './dispatcher.js'
import { invalidParam, newTraceId, type GraphError } from './graph-error.js'
import type { RawParams } from './params.js'
import { splitPath, type GraphMethod, type GraphRequest, type GraphResponse } from './request.js'

// The batch endpoint (docs/meta-graph-api.md §1.6): POST /{version}/ with `batch=[{method, relative_url,
// body?}]`, at most 50 operations, each counted separately against rate limits; the answer is
// one `{code, headers, body}` per operation in order, or `null` for an operation that did not
// finish within the batch's time. `{result=...}` dependencies are not simulated.

interface BatchOp {
  method?: unknown
  relative_url?: unknown
  body?: unknown
}

function parseOps (raw: unknown, maxOps: number): BatchOp[] {
  let value = raw
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw)
    } catch {
      throw invalidParam('Param batch must be a JSON array')
    }
  }
  if (!Array.isArray(value)) throw invalidParam('The parameter batch is required')
  if (value.length > maxOps) throw invalidParam(`Too many requests in batch message. Maximum batch size is ${maxOps}`)
  return value.map(op => (typeof op === 'object' && op !== null ? op : {}) as BatchOp)
}

function opRequest (parent: GraphRequest, op: BatchOp): GraphRequest | GraphError {
  const method = String(op.method ?? 'GET').toUpperCase()
  if (method !== 'GET' && method !== 'POST' && method !== 'DELETE') return invalidParam(`Unsupported method ${method} in batch`)
  if (typeof op.relative_url !== 'string') return invalidParam('Each batch operation needs a relative_url')
  if (op.relative_url.includes('{result=')) return invalidParam('Batch dependencies are not supported by the simulator')
  const [pathPart = '', query = ''] = op.relative_url.split('?', 2)
  const { version, segments } = splitPath(pathPart)
  const params: RawParams = Object.fromEntries(new URLSearchParams(query))
  if (typeof op.body === 'string') Object.assign(params, Object.fromEntries(new URLSearchParams(op.body)))
  // §7: the proof and time go at top level with the top-level token.
  for (const key of ['appsecret_proof', 'appsecret_time']) {
    if (params[key] === undefined && parent.params[key] !== undefined) params[key] = parent.params[key]
  }
  const ownToken = typeof params.access_token === 'string' ? params.access_token : null
  return {
    method: method as GraphMethod,
    version: version ?? parent.version,
    segments,
    params,
    token: ownToken ?? parent.token,
    tokenVia: ownToken === null ? parent.tokenVia : 'param',
    origin: parent.origin,
    inBatch: true,
    // §1.6: an operation's body is a URL-encoded string.
    bodyEncoding: typeof op.body === 'string' ? 'form' : 'none',
    signal: parent.signal
  }
}

export function createBatchRunner (ctx: SimContext, dispatcher: GraphDispatcher) {
  return async (req: GraphRequest): Promise<GraphResponse> => {
    const trace = newTraceId()
    const failure = (e: GraphError): GraphResponse => ({ status: e.spec.status, body: e.envelope(trace), headers: {} })
    // The top-level access token is required even when operations carry their own (§1.6).
    const auth = authenticate(ctx, req)
    if ('error' in auth) return failure(auth.error)
    let ops: BatchOp[]
    try {
      ops = parseOps(req.params.batch, ctx.settings.batch.maxOps)
    } catch (err) {
      return failure(err as GraphError)
    }
    const includeHeaders = req.params.include_headers !== 'false' && req.params.include_headers !== false
    const started = Date.now()
    const out: unknown[] = []
    for (const op of ops) {
      const sub = opRequest(req, op)
      const budget = ctx.settings.batch.timeoutMs - (Date.now() - started)
      const res = 'segments' in sub
        ? await dispatcher.handle(sub, { batchDelayBudgetMs: Math.max(0, budget) })
        : { status: sub.spec.status, body: sub.envelope(trace), headers: {} }
      if ('unfinished' in res) {
        out.push(null)
        continue
      }
      out.push({
        code: res.status,
        ...(includeHeaders ? { headers: Object.entries(res.headers).map(([name, value]) => ({ name, value })) } : {}),
        body: JSON.stringify(res.body)
      })
    }
    return { status: 200, body: out, headers: {} }
  }
}
