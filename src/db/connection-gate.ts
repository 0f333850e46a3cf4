import { setImmediate as nextTurn } from 'node:timers/promises'

export type WorkPriority = 'foreground' | 'background'

/** Foreground grants in a row, while background work waits, before one background turn. */
const DEFAULT_MAX_FOREGROUND_STREAK = 32

/**
 * Turn-taking on the embedded database's single connection.
 *
 * PGlite runs each statement synchronously in WebAssembly and its node-postgres adapter
 * settles every result as a promise, so a chain of statements (the queue fetching a batch,
 * reconciling it, completing it, fetching the next) never gives the event loop a turn: while
 * 10,000 reconciles drained, `/healthz` waited 18 s (bench/findings.md). The gate gives it
 * turns and order:
 * - a background acquisition first waits for the next event-loop turn, so sockets are read and
 *   requests that arrived meanwhile queue up before it;
 * - when the connection is released, a waiting foreground acquisition goes next; background
 *   work gets the connection only when no request waits, or once after a long run of
 *   requests, so it is slowed by traffic but never stopped by it.
 * What one background turn can hold the connection for is one statement or one transaction.
 */
export class ConnectionGate {
  #busy = false
  readonly #foreground: Array<() => void> = []
  readonly #background: Array<() => void> = []
  #foregroundStreak = 0
  readonly #maxForegroundStreak: number

  constructor (options: { maxForegroundStreak?: number } = {}) {
    this.#maxForegroundStreak = options.maxForegroundStreak ?? DEFAULT_MAX_FOREGROUND_STREAK
  }

  /** Resolves with the release function once the connection is this caller's. */
  async acquire (priority: WorkPriority): Promise<() => void> {
    if (priority === 'background') await nextTurn()
    if (!this.#busy && this.#foreground.length === 0 && (priority === 'foreground' || this.#background.length === 0)) {
      this.#busy = true
      return this.#releaser(priority)
    }
    return await new Promise((resolve) => {
      (priority === 'foreground' ? this.#foreground : this.#background).push(() => { resolve(this.#releaser(priority)) })
    })
  }

  /** Waiting acquisitions, for metrics and tests. */
  get waiting (): { foreground: number, background: number } {
    return { foreground: this.#foreground.length, background: this.#background.length }
  }

  #releaser (priority: WorkPriority): () => void {
    this.#foregroundStreak = priority === 'foreground' ? this.#foregroundStreak + 1 : 0
    let released = false
    return () => {
      if (released) return
      released = true
      this.#handOver()
    }
  }

  #handOver (): void {
    const starving = this.#background.length > 0 && this.#foregroundStreak >= this.#maxForegroundStreak
    const foreground = starving ? undefined : this.#foreground.shift()
    if (foreground !== undefined) {
      foreground()
      return
    }
    if (this.#background.length === 0) {
      this.#busy = false
      return
    }
    // Still busy across the turn: a request arriving in it queues as foreground and goes first.
    setImmediate(() => {
      const next = (starving ? undefined : this.#foreground.shift()) ??
        this.#background.shift() ?? this.#foreground.shift()
      if (next === undefined) this.#busy = false
      else next()
    })
  }
}
