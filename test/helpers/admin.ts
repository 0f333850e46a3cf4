import type { FastifyInstance, LightMyRequestResponse } from 'fastify'

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef'
export const adminEnv = { ADMIN_TOKEN }

/** Calls the admin API as the operator. */
export function adminClient (app: FastifyInstance, token = ADMIN_TOKEN) {
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: unknown): Promise<LightMyRequestResponse> =>
    app.inject({
      method,
      url: `/admin/v1${url}`,
      headers: { authorization: `Bearer ${token}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(payload === undefined ? {} : { payload: JSON.stringify(payload) })
    })
  return {
    get: (url: string) => call('GET', url),
    post: (url: string, body?: unknown) => call('POST', url, body ?? {}),
    patch: (url: string, body: unknown) => call('PATCH', url, body),
    put: (url: string, body: unknown) => call('PUT', url, body),
    delete: (url: string) => call('DELETE', url)
  }
}
