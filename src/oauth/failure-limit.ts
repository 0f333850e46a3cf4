export type LimitCheck = { allowed: true } | { allowed: false, retryAfterSeconds: number }

interface Window { startedAt: number, failures: number }

/**
 * Failed token requests per key (a client id, an address) in fixed one-minute windows, in
 * process memory: each replica counts its own. Once a key reaches its limit, every request
 * for it is refused with 429 until the window ends, right or wrong, so a guesser learns
 * nothing from the answer (RFC 6749 §10.10 asks servers to make guessing infeasible).
 */
export class FailureLimit {
  readonly #windows = new Map<string, Window>()

  constructor (
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 50_000
  ) {}

  check (key: string): LimitCheck {
    if (this.perMinute <= 0) return { allowed: true }
    const window = this.#current(key)
    if (window === undefined || window.failures < this.perMinute) return { allowed: true }
    const leftMs = window.startedAt + 60_000 - this.now()
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(leftMs / 1000)) }
  }

  fail (key: string): void {
    if (this.perMinute <= 0) return
    const window = this.#current(key)
    if (window) {
      window.failures++
      return
    }
    if (this.#windows.size >= this.maxKeys) this.#dropEnded()
    this.#windows.set(key, { startedAt: this.now(), failures: 1 })
  }

  #current (key: string): Window | undefined {
    const window = this.#windows.get(key)
    if (window && this.now() - window.startedAt < 60_000) return window
    if (window) this.#windows.delete(key)
    return undefined
  }

  #dropEnded (): void {
    const now = this.now()
    for (const [key, w] of this.#windows) if (now - w.startedAt >= 60_000) this.#windows.delete(key)
    if (this.#windows.size >= this.maxKeys) this.#windows.clear()
  }
}
