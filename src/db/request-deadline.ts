import { AsyncLocalStorage } from 'node:async_hooks'

/**
 * The moment (performance.now() milliseconds) after which the request being served stops
 * waiting for the database and answers 503 (src/db/guarded-pool.ts). Carried through the
 * request's async chain so every statement, in any layer, sees the same deadline.
 */
const deadlines = new AsyncLocalStorage<{ at: number }>()

export function runWithDeadline<T> (ms: number, work: () => T): T {
  return deadlines.run({ at: performance.now() + ms }, work)
}

/** Milliseconds left, or undefined outside a request with a deadline. */
export function remainingMs (): number | undefined {
  const store = deadlines.getStore()
  return store === undefined ? undefined : store.at - performance.now()
}

/** Runs `work` outside any request's deadline (work a request starts but does not wait for). */
export function withoutDeadline<T> (work: () => T): T {
  return deadlines.exit(work)
}
