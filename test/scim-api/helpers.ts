import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely'
import type { LightMyRequestResponse } from 'fastify'
import { buildTestApp, type TestApp } from '../helpers/app.js'

export interface ScimResponse {
  status: number
  body: any
  headers: Record<string, string | string[] | number | undefined>
}

export type Send = (method: string, url: string, payload?: unknown, headers?: Record<string, string>) => Promise<ScimResponse>

function toResponse (res: LightMyRequestResponse): ScimResponse {
  let body: unknown
  try {
    body = res.body === '' ? undefined : JSON.parse(res.body)
  } catch {
    body = res.body
  }
  return { status: res.statusCode, body, headers: res.headers }
}

/** A request helper bound to one tenant's headers; payloads are sent as JSON text. */
export function sender (app: TestApp['app'], baseHeaders: Record<string, string>): Send {
  return async (method, url, payload, headers = {}) => toResponse(await app.inject({
    method: method as 'GET',
    url,
    headers: { ...baseHeaders, ...headers },
    ...(payload === undefined ? {} : { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) })
  }))
}

export async function scimTestApp (t: Parameters<typeof buildTestApp>[0], options: Parameters<typeof buildTestApp>[1] = {}): Promise<TestApp & { send: Send }> {
  const test = await buildTestApp(t, options)
  return { ...test, send: sender(test.app, test.headers) }
}

/** Records the SQL of every query run through a Kysely instance (see `db.withPlugin`). */
export class QueryRecorder implements KyselyPlugin {
  readonly queries: string[] = []

  transformQuery (args: PluginTransformQueryArgs): RootOperationNode {
    this.queries.push(JSON.stringify(args.node))
    return args.node
  }

  async transformResult (args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result
  }

  touched (table: string): boolean {
    return this.queries.some((q) => q.includes(`"${table}"`) || q.includes(` ${table} `))
  }
}
