// Every Graph call the simulator received (batch operations individually), for assertions and
// demos. Tokens are never recorded.

export interface CallRecord {
  seq: number
  at: number
  method: string
  path: string
  route: string
  status: number
  /** Graph error code of the answer, if it was an error. */
  errorCode: number | null
  /** Rate-limit bucket the call counted against. */
  bucket: string | null
  /** Refused because its bucket was blocked (§5.4). */
  blocked: boolean
  inBatch: boolean
  /** appsecret_proof as received: none, valid, invalid. */
  proof: 'none' | 'valid' | 'invalid'
  tokenVia: 'header' | 'param' | 'none'
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
