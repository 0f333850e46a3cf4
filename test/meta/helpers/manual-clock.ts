import type { Clock } from '../../../src/meta/governor/clock.js'

interface Timer {
  at: number
  resolve: () => void
}

/** A clock that only moves when the test says so; sleepers wake when time passes them. */
export class ManualClock implements Clock {
  private t: number
  private timers: Timer[] = []

  constructor (start = Date.UTC(2026, 0, 1)) {
    this.t = start
  }

  now = (): number => this.t

  sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
    await new Promise<void>((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(signal.reason)
        return
      }
      const timer: Timer = {
        at: this.t + Math.max(0, ms),
        resolve: () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        }
      }
      const onAbort = (): void => {
        this.timers = this.timers.filter(x => x !== timer)
        reject(signal?.reason)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.timers.push(timer)
    })
  }

  /** Moves time forward and wakes every sleeper whose time has come. */
  advance (ms: number): void {
    this.t += ms
    const due = this.timers.filter(x => x.at <= this.t)
    this.timers = this.timers.filter(x => x.at > this.t)
    for (const x of due) x.resolve()
  }

  get sleepers (): number {
    return this.timers.length
  }
}

/** Lets the event loop run until the condition holds (bounded, no wall-clock assertions). */
export async function until (condition: () => boolean, what: string, maxTurns = 2000): Promise<void> {
  for (let i = 0; i < maxTurns; i++) {
    if (condition()) return
    await new Promise(resolve => setTimeout(resolve, 1))
  }
  throw new Error(`timed out waiting for: ${what}`)
}
