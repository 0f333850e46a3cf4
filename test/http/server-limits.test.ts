import { connect, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'

interface Outcome { data: string, closed: boolean }

/** Opens a raw connection, writes `chunks`, and collects what comes back until the server closes it. */
function rawConnection (port: number): { socket: Socket, outcome: Promise<Outcome>, opened: Promise<void> } {
  const socket = connect({ port, host: '127.0.0.1' })
  let data = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => { data += chunk })
  const opened = new Promise<void>((resolve) => socket.once('connect', () => { resolve() }))
  const outcome = new Promise<Outcome>((resolve) => {
    socket.once('close', () => { resolve({ data, closed: true }) })
    socket.once('error', () => { /* a reset counts as closed */ })
  })
  return { socket, outcome, opened }
}

async function listening (t: Parameters<typeof buildTestApp>[0], env: Record<string, string>) {
  const test = await buildTestApp(t, { env })
  await test.app.listen({ port: 0, host: '127.0.0.1' })
  return { ...test, port: (test.app.server.address() as AddressInfo).port }
}

t.test('a request whose headers never finish gets 408 and its connection is closed', async (t) => {
  const { port } = await listening(t, { HTTP_HEADERS_TIMEOUT_MS: '200', HTTP_REQUEST_TIMEOUT_MS: '400' })
  const { socket, outcome } = rawConnection(port)
  socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ')
  const result = await outcome
  t.ok(result.closed)
  t.match(result.data, /^HTTP\/1\.1 408 /)
})

t.test('a slow body times out, with or without a token', async (t) => {
  const { port, token } = await listening(t, { HTTP_HEADERS_TIMEOUT_MS: '200', HTTP_REQUEST_TIMEOUT_MS: '400' })
  for (const auth of ['', `Authorization: Bearer ${token}\r\n`]) {
    const { socket, outcome } = rawConnection(port)
    socket.write(`POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/scim+json\r\nContent-Length: 1000\r\n\r\n{"userName":`)
    const result = await outcome
    t.ok(result.closed, auth === '' ? 'unauthenticated' : 'authenticated')
    // Without a token the 401 may come first; either way the connection does not stay open.
    t.match(result.data, auth === '' ? /^HTTP\/1\.1 (401|408) / : /^HTTP\/1\.1 408 /)
  }
})

t.test('connections past HTTP_MAX_CONNECTIONS are closed as they arrive', async (t) => {
  const { port } = await listening(t, { HTTP_MAX_CONNECTIONS: '2' })
  const first = rawConnection(port)
  const second = rawConnection(port)
  await Promise.all([first.opened, second.opened])
  // Both accepted: each answers a request on its kept-alive connection.
  for (const c of [first, second]) c.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n')
  await new Promise((resolve) => setImmediate(resolve))
  const third = rawConnection(port)
  third.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n')
  const dropped = await third.outcome
  t.ok(dropped.closed, 'the third connection is closed')
  t.equal(dropped.data, '', 'without an answer')
  first.socket.destroy()
  second.socket.destroy()
  await Promise.all([first.outcome, second.outcome])
  const res = await fetch(`http://127.0.0.1:${port}/healthz`)
  t.equal(res.status, 200, 'a new connection is served once others closed')
})
