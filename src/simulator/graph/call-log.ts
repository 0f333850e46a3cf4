import type { BodyEncoding } from './request.js'

// Every Graph call the simulator received (batch operations individually), for assertions, the
// spec contract test and demos. Tokens and appsecret proofs are never recorded.

export interface CallRecord {
  seq: number
  at: number
  method: string
  path: string
  route: string
  status: number
  /** Graph error code of the answer, if it was an error. */
  errorCode: number | null
  /** The `x-fb-trace-id` header of the answer (§4.1), as the client received it. */
  traceId: string | null
  /** Rate-limit bucket the call counted against. */
  bucket: string | null
  /** Refused because its bucket was blocked (§5.4). */
  blocked: boolean
  inBatch: boolean
  /** appsecret_proof as received: none, valid, invalid. */
  proof: 'none' | 'valid' | 'invalid'
  tokenVia: 'header' | 'param' | 'none'
  /** Query and body parameters as received, without credentials. */
  params: Record<string, unknown>
  bodyEncoding: BodyEncoding
}

const CREDENTIALS = new Set(['access_token', 'appsecret_proof', 'appsecret_time'])

/** Parameters worth recording: everything but the token and its proof. */
export function recordableParams (params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([k]) => !CREDENTIALS.has(k)))
}

export class CallLog {
  private records: CallRecord[] = []
  private seq = 0

  add (record: Omit<CallRecord, 'seq'>): CallRecord {
    const full = { ...record, seq: ++this.seq }
    this.records.push(full)
    return full
  }

  list (filter: { route?: string, since?: number } = {}): CallRecord[] {
    return this.records.filter(r =>
      (filter.route === undefined || r.route === filter.route) &&
      (filter.since === undefined || r.seq > filter.since))
  }

  get lastSeq (): number {
    return this.seq
  }

  clear (): void {
    this.records = []
  }
}
