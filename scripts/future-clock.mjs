// Moves this process's wall clock ahead (default 10 years; FUTURE_CLOCK_DAYS sets the days) so the
// suite can prove it does not depend on today's date: `npm run test:future`. Only Date moves;
// timers and performance.now() are monotonic and stay as they are, which is why this is a
// preload and not faketime (libfaketime also shifts the monotonic clock Node's timers run on).
const days = Number(process.env.FUTURE_CLOCK_DAYS ?? 3653)
if (!Number.isFinite(days)) throw new Error(`FUTURE_CLOCK_DAYS must be a number of days, not ${process.env.FUTURE_CLOCK_DAYS}`)
const offset = Math.round(days * 86_400_000)
const RealDate = globalThis.Date
const futureNow = () => RealDate.now() + offset

// A Proxy keeps Date's prototype, statics and `instanceof` as they are and changes only what
// reads the current time: `new Date()`, `Date()` and `Date.now()`.
globalThis.Date = new Proxy(RealDate, {
  construct (target, args, newTarget) {
    return Reflect.construct(target, args.length === 0 ? [futureNow()] : args, newTarget)
  },
  apply () {
    return new RealDate(futureNow()).toString()
  },
  get (target, property, receiver) {
    return property === 'now' ? futureNow : Reflect.get(target, property, receiver)
  }
})
