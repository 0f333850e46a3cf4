/**
 * `npm run demo`: the bridge and a simulated Meta Business Manager, wired together, on this
 * machine only. The simulator (src/simulator) runs in this process on 127.0.0.1 with the demo
 * business; the bridge runs as a child process on a fresh embedded database in a temporary
 * directory, with the simulator's Graph URL, business id and token, and dry run off. It can
 * reach nothing else: every inherited META_* and DATABASE_URL is dropped. Ctrl-C stops both and
 * deletes the data. DEMO_PORT sets the bridge's port (default 8080), DEMO_SIM_PORT the
 * simulator's (default: any free port).
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildSimulator } from '../src/simulator/app.js'
import { seedDemo } from '../src/simulator/demo.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const port = Number(process.env.DEMO_PORT ?? 8080)
const simPort = Number(process.env.DEMO_SIM_PORT ?? 0)

const { app: simApp, sim } = await buildSimulator()
const demo = seedDemo(sim)
const simUrl = await simApp.listen({ host: '127.0.0.1', port: simPort })
const apiVersion = sim.settings.versions[sim.settings.versions.length - 1] ?? 'v26.0'

const dataDir = mkdtempSync(join(tmpdir(), 'scim-meta-bridge-demo-'))
const scimToken = `smb_demo_${randomBytes(18).toString('base64url')}`
const adminToken = `smb_demo_admin_${randomBytes(18).toString('base64url')}`
const inherited = Object.fromEntries(Object.entries(process.env)
  .filter(([key]) => !key.startsWith('META_') && key !== 'DATABASE_URL' && key !== 'SECRETS_KEY'))
const bridge = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/main.ts')], {
  cwd: root,
  env: {
    ...inherited,
    DATA_DIR: join(dataDir, 'data'),
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    SCIM_BEARER_TOKEN: scimToken,
    ADMIN_TOKEN: adminToken,
    META_GRAPH_URL: simUrl,
    META_API_VERSION: apiVersion,
    META_BUSINESS_ID: demo.businessId,
    META_ACCESS_TOKEN: demo.accessToken,
    // Against the simulator only: a new connection would otherwise start in dry run.
    META_DRY_RUN: 'false',
    // Notice accepted invitations within seconds, not minutes.
    META_POLL_INTERVAL_SECONDS: '5'
  },
  stdio: ['ignore', 'pipe', 'pipe']
})
// The bridge's own output (its first-start notice, warnings) goes to stderr, marked, so stdout
// carries only what the demo says.
const relay = (chunk: Buffer): void => {
  for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') process.stderr.write(`[bridge] ${line}\n`)
}
bridge.stdout.on('data', relay)
bridge.stderr.on('data', relay)

let stopping = false
async function stop (code: number): Promise<void> {
  if (stopping) return
  stopping = true
  if (bridge.exitCode === null) {
    bridge.kill('SIGTERM')
    await new Promise((resolve) => bridge.once('exit', resolve))
  }
  await simApp.close()
  rmSync(dataDir, { recursive: true, force: true })
  process.exit(code)
}
bridge.once('exit', (code) => {
  if (!stopping) {
    process.stderr.write(`scim-meta-bridge demo: the bridge stopped (exit ${String(code)}); see its output above\n`)
    void stop(1)
  }
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => { void stop(0) })

const base = `http://127.0.0.1:${port}`
/** Ready when /readyz answers 200 (database open, migrations applied, the port bound). */
async function bridgeReady (): Promise<boolean> {
  for (;;) {
    // stop() runs in an event handler while this loop waits.
    if (stopping) return false
    if (await fetch(`${base}/readyz`).then((r) => r.ok, () => false)) return true
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}
if (!(await bridgeReady())) await new Promise(() => {}) // stop() exits the process

const userBody = JSON.stringify({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: 'new.person@demo.example',
  name: { givenName: 'New', familyName: 'Person' },
  emails: [{ value: 'new.person@demo.example', type: 'work', primary: true }],
  active: true
})
process.stdout.write([
  'scim-meta-bridge demo: the bridge and a simulated Meta Business Manager, wired together',
  `  SCIM base URL:  ${base}/scim/v2`,
  `  SCIM token:     ${scimToken}`,
  `  Admin token:    ${adminToken}`,
  `  Simulated Meta: ${simUrl} (business ${demo.businessId}, Graph ${apiVersion}); dry run is off, against the simulator only`,
  '',
  'Try next:',
  '  1. Push a user as an IdP would; the bridge invites them in the simulated business:',
  `     curl -s -X POST ${base}/scim/v2/Users -H 'Authorization: Bearer ${scimToken}' \\`,
  `       -H 'Content-Type: application/scim+json' -d '${userBody}'`,
  '  2. See the invitation on the Meta side (invites, members, assets):',
  `     curl -s ${simUrl}/__sim/businesses/${demo.businessId}`,
  '  3. Accept it as the invitee would: POST /__sim/invites/<invite id>/accept (docs/meta-simulator.md)',
  '  4. Ask the bridge what it did, and what it would do:',
  `     export SCIM_META_BRIDGE_URL=${base} SCIM_META_BRIDGE_ADMIN_TOKEN=${adminToken}`,
  '     npm run --silent cli -- people default',
  '     npm run --silent cli -- audit default',
  '     npm run --silent cli -- sync start default && npm run --silent cli -- drift default',
  '  Connect Okta or Entra to the SCIM URL (docs/okta.md, docs/entra.md) through a tunnel, if you like.',
  '',
  'Ctrl-C stops both; nothing is kept.',
  ''
].join('\n'))
