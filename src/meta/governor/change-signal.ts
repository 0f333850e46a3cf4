import type { Clock } from './clock.js'

/** Lets waiters sleep until a deadline or until something changes, whichever comes first. */
export class ChangeSignal {
  private listeners = new Set<() => void>()

  constructor (private readonly clock: Clock) {}

  async wait (ms: number, signal?: AbortSignal): Promise<void> {
    const timer = new AbortController()
    const onAbort = (): void => timer.abort(signal?.reason)
    signal?.addEventListener('abort', onAbort, { once: true })
    let wake: () => void = () => {}
    const changed = new Promise<void>(resolve => { wake = resolve })
    this.listeners.add(wake)
    try {
      await Promise.race([this.clock.sleep(ms, timer.signal).catch(() => {}), changed])
    } finally {
      this.listeners.delete(wake)
      signal?.removeEventListener('abort', onAbort)
      timer.abort()
    }
  }

  notify (): void {
    const listeners = this.listeners
    this.listeners = new Set()
    for (const wake of listeners) wake()
  }
}
