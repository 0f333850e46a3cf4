import { CliError, EXIT, exitCodeForStatus } from './exit-codes.js'

export interface ApiClientOptions {
  /** Base URL of the service, e.g. http://127.0.0.1:8080 (the /admin/v1 prefix is added). */
  url: string
  token: string
  timeoutMs?: number
  fetch?: typeof fetch
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'

/** The admin API over HTTP, with every failure turned into a CliError with its exit code. */
export class ApiClient {
  readonly #base: string
  constructor (private readonly options: ApiClientOptions) {
    this.#base = `${options.url.replace(/\/+$/, '')}/admin/v1`
  }

  async request<T = unknown> (method: Method, path: string, body?: unknown): Promise<T> {
    let res: Response
    try {
      res = await (this.options.fetch ?? fetch)(`${this.#base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' })
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000)
      })
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : ''
      const what = err instanceof Error && err.name === 'TimeoutError' ? 'timed out' : `failed${cause}`
      throw new CliError(EXIT.unreachable, `cannot reach ${this.options.url} (${what})`)
    }
    const text = await res.text()
    const parsed = parseJson(text)
    if (!res.ok) {
      const message = typeof parsed === 'object' && parsed !== null && 'message' in parsed && typeof parsed.message === 'string'
        ? parsed.message
        : `HTTP ${res.status}`
      throw new CliError(exitCodeForStatus(res.status), message, parsed)
    }
    return parsed as T
  }

  get<T = unknown> (path: string): Promise<T> { return this.request<T>('GET', path) }
  post<T = unknown> (path: string, body: unknown = {}): Promise<T> { return this.request<T>('POST', path, body) }
  patch<T = unknown> (path: string, body: unknown): Promise<T> { return this.request<T>('PATCH', path, body) }
  put<T = unknown> (path: string, body: unknown): Promise<T> { return this.request<T>('PUT', path, body) }
  delete (path: string): Promise<unknown> { return this.request('DELETE', path) }
}

function parseJson (text: string): unknown {
  if (text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}
