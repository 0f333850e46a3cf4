import t from 'tap'
import { ConnectionGate } from '../../src/db/connection-gate.js'

// The embedded database's turn-taking: order only, never time.

t.test('background work waits for the next event-loop turn before it takes the connection', async (t) => {
  const gate = new ConnectionGate()
  let turned = false
  setImmediate(() => { turned = true })
  const release = await gate.acquire('background')
  t.ok(turned, 'I/O callbacks queued before it ran first')
  release()
})

t.test('a waiting request goes before waiting background work', async (t) => {
  const gate = new ConnectionGate()
  const order: string[] = []
  const first = await gate.acquire('foreground')
  const background = gate.acquire('background').then((release) => { order.push('background'); return release })
  await new Promise((resolve) => setImmediate(resolve))
  const request = gate.acquire('foreground').then((release) => { order.push('request'); return release })
  t.same(gate.waiting, { foreground: 1, background: 1 })
  first()
  ;(await request)()
  ;(await background)()
  t.same(order, ['request', 'background'])
  t.same(gate.waiting, { foreground: 0, background: 0 })
})

t.test('a request arriving while background work is handed the connection still goes first', async (t) => {
  const gate = new ConnectionGate()
  const order: string[] = []
  const first = await gate.acquire('background')
  const background = gate.acquire('background').then((release) => { order.push('background'); return release })
  await new Promise((resolve) => setImmediate(resolve))
  first()
  // Between the release and the hand-over there is a turn: this request lands in it.
  const request = gate.acquire('foreground').then((release) => { order.push('request'); return release })
  ;(await request)()
  ;(await background)()
  t.same(order, ['request', 'background'])
})

t.test('a long run of requests lets background work through once in a while', async (t) => {
  const gate = new ConnectionGate({ maxForegroundStreak: 2 })
  const order: string[] = []
  const first = await gate.acquire('foreground')
  const background = gate.acquire('background').then((release) => { order.push('background'); release() })
  await new Promise((resolve) => setImmediate(resolve))
  const requests = ['a', 'b', 'c'].map(async (name) => { const release = await gate.acquire('foreground'); order.push(name); release() })
  first()
  await Promise.all([...requests, background])
  t.same(order, ['a', 'background', 'b', 'c'])
})

t.test('releasing twice hands the connection over once', async (t) => {
  const gate = new ConnectionGate()
  const first = await gate.acquire('foreground')
  const second = gate.acquire('foreground')
  const third = gate.acquire('foreground')
  first()
  first()
  const releaseSecond = await second
  t.same(gate.waiting, { foreground: 1, background: 0 }, 'the third still waits')
  releaseSecond()
  ;(await third)()
})
