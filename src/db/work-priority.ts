import { AsyncLocalStorage } from 'node:async_hooks'
import { withoutDeadline } from './request-deadline.js'

/**
 * Which database work may wait: everything started inside `runAsBackground` (the reconcile
 * worker, the job queue's own polling and maintenance, scheduled syncs) is background; the
 * rest (requests from IdPs, admins and probes) is foreground. The store follows the async
 * chain, timers included, so a loop started in the background stays there.
 */
const background = new AsyncLocalStorage<true>()

/** Background work started by a request (a sync run) outlives it: it leaves its deadline behind. */
export function runAsBackground<T> (work: () => T): T {
  return withoutDeadline(() => background.run(true, work))
}

export function isBackgroundWork (): boolean {
  return background.getStore() === true
}
