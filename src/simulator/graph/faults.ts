// Injected failures for tests and demos (docs/meta-graph-api.md §12): the next N calls of a route get an
// error envelope, an arbitrary body, a delay, or (inside a batch) a `null` entry.

export interface FaultSpec {
  /** Route name (see docs/meta-simulator.md) or '*' for any route. */
  route: string
  /** Only calls whose path contains this text. */
  pathIncludes?: string
  /** How many matching calls it applies to (default 1). */
  times?: number
  delayMs?: number
  /** The call runs, then its answer is held this long: Meta has done it, the caller does not know yet. */
  holdAnswerMs?: number
  /** HTTP status to answer with; defaults per §4.1 observations (500 for 1/2, 403 for 2xx codes, else 400). */
  status?: number
  error?: {
    code: number
    error_subcode?: number
    type?: string
    message?: string
    is_transient?: boolean
    error_user_title?: string
    error_user_msg?: string
  }
  /** Verbatim body (e.g. `{"success": false}`), sent instead of running the call. */
  body?: unknown
  headers?: Record<string, string>
  /** Inside a batch, report the operation as `null` (unfinished) without running it (§1.6). */
  batchNull?: boolean
}

export interface Fault extends FaultSpec {
  id: number
  remaining: number
}

export function defaultErrorStatus (code: number): number {
  if (code === 1 || code === 2) return 500
  if (code >= 200 && code <= 299) return 403
  return 400
}

export class FaultQueue {
  private faults: Fault[] = []
  private seq = 0

  add (spec: FaultSpec): Fault {
    const fault: Fault = { ...spec, id: ++this.seq, remaining: Math.max(1, spec.times ?? 1) }
    this.faults.push(fault)
    return fault
  }

  /** Takes the first matching fault, counting one use. */
  take (route: string, path: string, inBatch: boolean): Fault | null {
    const fault = this.faults.find(f =>
      (f.route === '*' || f.route === route) &&
      (f.pathIncludes === undefined || path.includes(f.pathIncludes)) &&
      (f.batchNull !== true || inBatch))
    if (fault === undefined) return null
    fault.remaining--
    if (fault.remaining <= 0) this.faults = this.faults.filter(f => f !== fault)
    return fault
  }

  list (): Fault[] {
    return [...this.faults]
  }

  clear (): void {
    this.faults = []
  }
}
