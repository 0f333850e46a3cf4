import type { z } from 'zod'
import type { Clock } from '../governor/clock.js'
import type { CallScope } from '../governor/governor.js'
import { collect, paginate } from './paging.js'
import { parseWith } from './response.js'
import { withRetry, type RetryPolicy } from './retry.js'
import { pageSchema } from '../vocabulary/schemas.js'
import type { GraphTransport, HttpMethod, Params } from './transport.js'

export interface CallOptions {
  signal?: AbortSignal
}

export interface RequestSpec<S extends z.ZodType> {
  method: HttpMethod
  path: string
  params?: Params
  schema: S
  scope: CallScope
  /** Safe to repeat after an unknown outcome (GET, DELETE, "set" writes). */
  idempotent: boolean
  signal?: AbortSignal
}

/** One validated call with transient retries, and cursor-paged lists built on it. */
export class Requester {
  constructor (
    readonly transport: GraphTransport,
    private readonly retry: { policy: RetryPolicy, clock: Clock, random: () => number },
    private readonly pageSize: number
  ) {}

  async call<S extends z.ZodType> (spec: RequestSpec<S>): Promise<z.infer<S>> {
    const endpoint = this.transport.endpoint(spec.method, spec.path)
    // Validated inside the exchange, so an answer of the wrong shape counts as `unexpected`.
    return await withRetry(
      async () => await this.transport.exchange(spec, (answer) => parseWith(spec.schema, answer.body, endpoint)),
      { ...this.retry, idempotent: spec.idempotent, signal: spec.signal })
  }

  /** Yields every page of an edge (§1.5), each page request retried on its own. */
  pages<S extends z.ZodType> (
    path: string, params: Params, item: S, scope: CallScope, options: CallOptions = {}
  ): AsyncGenerator<Array<z.infer<S>>, void, undefined> {
    const schema = pageSchema(item)
    const endpoint = this.transport.endpoint('GET', path)
    return paginate(async after => await this.call({
      method: 'GET',
      path,
      params: { limit: this.pageSize, ...params, after },
      schema,
      scope,
      idempotent: true,
      signal: options.signal
    }), endpoint)
  }

  async list<S extends z.ZodType> (
    path: string, params: Params, item: S, scope: CallScope, options: CallOptions = {}
  ): Promise<Array<z.infer<S>>> {
    return await collect(this.pages(path, params, item, scope, options))
  }
}
