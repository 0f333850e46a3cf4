import t from 'tap'
import { freePort, runEntry } from './helpers/child-process.js'

// `npm run demo` end to end: the printed lines, and a SCIM POST to the printed URL with the
// printed token becoming an invitation in the simulated business.
t.test('npm run demo wires the bridge to the simulator; a pushed user becomes an invitation', async (t) => {
  const port = await freePort()
  const demo = runEntry('scripts/demo.ts', { DEMO_PORT: String(port), LOG_LEVEL: 'warn' })
  t.teardown(() => demo.child.kill('SIGKILL'))
  await demo.waitFor(/Ctrl-C stops both/, 170_000)
  const out = demo.output()
  const scimUrl = /SCIM base URL:\s+(\S+)/.exec(out)?.[1]
  const scimToken = /SCIM token:\s+(\S+)/.exec(out)?.[1]
  const sim = /Simulated Meta: (\S+) \(business (\d+), Graph (v[\d.]+)\); dry run is off, against the simulator only/.exec(out)
  t.equal(scimUrl, `http://127.0.0.1:${port}/scim/v2`)
  t.match(scimToken, /^smb_demo_/)
  t.match(out, /Admin token:\s+smb_demo_admin_\S+/)
  t.ok(sim, 'names the simulator, its business and that dry run is off')
  t.match(out, /Try next:/)
  t.match(out, 'npm run --silent cli -- people default')
  const [, simUrl, businessId] = sim!

  const created = await fetch(`${scimUrl}/Users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${scimToken}`, 'content-type': 'application/scim+json' },
    body: JSON.stringify({ userName: 'demo.test@demo.example', emails: [{ value: 'demo.test@demo.example', primary: true }], active: true })
  })
  t.equal(created.status, 201)
  // The worker invites in the background: look until the simulator shows it (bounded, no timing).
  let invited = false
  for (let i = 0; i < 600 && !invited; i++) {
    const business = await (await fetch(`${simUrl}/__sim/businesses/${businessId}`)).text()
    invited = business.includes('demo.test@demo.example')
    if (!invited) await new Promise((resolve) => setTimeout(resolve, 200))
  }
  t.ok(invited, 'the simulated business has an invitation for the pushed user')

  demo.child.kill('SIGTERM')
  t.equal(await demo.exited, 0, 'Ctrl-C stops both cleanly')
})
