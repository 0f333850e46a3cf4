// oidc-provider ships no type declarations; this is the part the test IdP uses.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'
  interface Account { accountId: string, claims: () => Promise<Record<string, unknown>> }
  interface Configuration {
    clients: Array<Record<string, unknown>>
    pkce?: { required: () => boolean }
    claims?: Record<string, string[]>
    scopes?: string[]
    findAccount: (ctx: unknown, id: string) => Promise<Account>
    features?: Record<string, unknown>
  }
  export default class Provider {
    constructor (issuer: string, configuration: Configuration)
    callback (): (req: IncomingMessage, res: ServerResponse) => void
  }
}
