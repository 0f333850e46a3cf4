import t from 'tap'
import { ADMIN_TOKEN } from '../helpers/admin.js'
import { provisionedAdmin } from '../admin/helpers/provisioned.js'
import { runCli } from '../cli/helpers/run-cli.js'

t.test('status: the health summary in the CLI; exit 1 when failing', async (t) => {
  const s = await provisionedAdmin(t)
  const url = await s.app.listen({ host: '127.0.0.1', port: 0 })
  const env = { SCIM_META_BRIDGE_URL: url, SCIM_META_BRIDGE_ADMIN_TOKEN: ADMIN_TOKEN }
  const healthy = await runCli(['status', s.h.tenantId], env)
  t.equal(healthy.code, 0, healthy.stderr)
  t.match(healthy.stdout, /^status\s+HEALTHY$/m)
  t.match(healthy.stdout, new RegExp(`meta business\\s+${s.h.businessId}`))
  t.match(healthy.stdout, /queue\s+0 waiting/)
  const failing = await runCli(['--json', 'status', 'other'], env)
  t.equal(failing.code, 1, 'a failing tenant exits 1')
  t.match(JSON.parse(failing.stdout), { status: 'failing', reasons: [{ code: 'no_scim_token' }] })
})
