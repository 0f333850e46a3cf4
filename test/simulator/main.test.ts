import { spawn } from 'node:child_process'
import t from 'tap'

// `npm run simulator` starts on 127.0.0.1 with a demo business and prints how to reach it.
t.test('main listens on loopback and prints the demo business id and token', async t => {
  const child = spawn(process.execPath, ['--import=tsx', 'src/simulator/main.ts'], {
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  t.teardown(() => { child.kill('SIGTERM') })
  let out = ''
  child.stdout.setEncoding('utf8')
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      out += chunk
      if (out.includes('control endpoints')) resolve()
    })
    child.once('exit', code => reject(new Error(`exited with ${String(code)}: ${out}`)))
  })
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1]
  const business = /business id:\s+(\d+)/.exec(out)?.[1]
  const token = /access token:\s+(\S+)/.exec(out)?.[1]
  t.ok(url, 'loopback address printed')
  t.ok(business && token, 'business id and token printed')
  const res = await fetch(`${url}/v26.0/${business}/business_users?fields=email,role`, { headers: { authorization: `Bearer ${token}` } })
  t.equal(res.status, 200)
  const body = await res.json() as { data: Array<{ role: string }> }
  t.ok(body.data.filter(u => u.role === 'ADMIN').length >= 2, 'the demo business has its admins')
  const assets = await fetch(`${url}/v26.0/${business}/owned_ad_accounts`, { headers: { authorization: `Bearer ${token}` } })
  t.equal(((await assets.json()) as { data: unknown[] }).data.length, 1)
})
