import t from 'tap'
import { remainingMs, runWithDeadline } from '../../src/db/request-deadline.js'
import { isBackgroundWork, runAsBackground } from '../../src/db/work-priority.js'

t.test('requests are foreground and carry their deadline through awaits and timers', async (t) => {
  t.equal(remainingMs(), undefined, 'no deadline outside a request')
  await runWithDeadline(60_000, async () => {
    t.notOk(isBackgroundWork())
    await new Promise((resolve) => setTimeout(resolve, 1))
    const left = remainingMs()
    t.ok(left !== undefined && left > 0 && left <= 60_000)
  })
})

t.test('background work started by a request leaves the deadline behind', async (t) => {
  await runWithDeadline(60_000, async () => {
    const seen = await runAsBackground(async () => {
      await new Promise((resolve) => setImmediate(resolve))
      return { background: isBackgroundWork(), left: remainingMs() }
    })
    t.same(seen, { background: true, left: undefined })
    t.notOk(isBackgroundWork(), 'the request itself stays foreground')
  })
})

t.test('a timer set in background work stays background', async (t) => {
  const seen = await runAsBackground(async () => await new Promise<boolean>((resolve) => {
    setTimeout(() => { resolve(isBackgroundWork()) }, 1)
  }))
  t.equal(seen, true)
})
