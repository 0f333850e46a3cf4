import { buildSimulator } from './app.js'
import { seedDemo } from './demo.js'

// `npm run simulator`: the simulated Business Manager on 127.0.0.1 (PORT, default 4010) with a
// demo business. Loopback only: it is a test double, never a public service.

const port = Number(process.env.PORT ?? 4010)
const { app, sim } = await buildSimulator({ logger: process.env.SIM_LOG === '1' })
const demo = seedDemo(sim)
const address = await app.listen({ host: '127.0.0.1', port: Number.isInteger(port) ? port : 4010 })

const version = sim.settings.versions[sim.settings.versions.length - 1] ?? 'v26.0'
process.stdout.write([
  `Meta Business Manager simulator listening on ${address}`,
  `  META_GRAPH_URL=${address}`,
  `  META_API_VERSION=${version}`,
  `  business id:   ${demo.businessId}`,
  `  access token:  ${demo.accessToken}`,
  `  admin:         ${demo.adminEmail} (business user ${demo.adminId})`,
  `  try: curl -H "Authorization: Bearer ${demo.accessToken}" ${address}/${version}/${demo.businessId}/business_users`,
  `  control endpoints: ${address}/__sim (see docs/meta-simulator.md)`,
  ''
].join('\n'))

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    app.close().then(() => process.exit(0), () => process.exit(1))
  })
}
