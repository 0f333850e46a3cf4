import t from 'tap'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { repoRoot } from './helpers/child-process.js'

// `npm run test:future` is the proof that the suite does not depend on today's date; this checks
// the preload it uses moves the wall clock and leaves timers and explicit dates alone.
const probe = `
const before = performance.now()
setTimeout(() => {
  console.log(JSON.stringify({
    now: Date.now(), newDate: new Date().getTime(), called: Date(), epoch: new Date(0).getTime(),
    isDate: new Date() instanceof Date, timerRan: performance.now() - before >= 0
  }))
}, 5)
`

t.test('the future clock moves Date.now(), new Date() and Date() by FUTURE_CLOCK_DAYS', async (t) => {
  const realBefore = Date.now()
  const out = execFileSync(process.execPath, ['--import', join(repoRoot, 'scripts/future-clock.mjs'), '-e', probe], {
    env: { PATH: process.env.PATH ?? '', FUTURE_CLOCK_DAYS: '3650' }, encoding: 'utf8'
  })
  const seen = JSON.parse(out) as { now: number, newDate: number, called: string, epoch: number, isDate: boolean, timerRan: boolean }
  const tenYears = 3650 * 86_400_000
  t.ok(seen.now - realBefore >= tenYears, 'Date.now() is ten years ahead')
  t.ok(seen.newDate - realBefore >= tenYears, 'new Date() is ten years ahead')
  t.ok(new Date(seen.called).getTime() - realBefore >= tenYears - 1000, 'Date() is ten years ahead')
  t.equal(seen.epoch, 0, 'an explicit date is left alone')
  t.ok(seen.isDate, 'instanceof Date still holds')
  t.ok(seen.timerRan, 'timers still fire')
})

t.test('a non-numeric FUTURE_CLOCK_DAYS is refused', async (t) => {
  t.throws(() => execFileSync(process.execPath, ['--import', join(repoRoot, 'scripts/future-clock.mjs'), '-e', '0'], {
    env: { PATH: process.env.PATH ?? '', FUTURE_CLOCK_DAYS: 'soon' }, stdio: 'pipe'
  }))
})
