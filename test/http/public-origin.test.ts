import t from 'tap'
import { publicOrigin } from '../../src/http/public-origin.js'
import { buildTestApp, testConfig } from '../helpers/app.js'

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'

t.test('the origin of answer URLs comes from configuration, never from the request', async (t) => {
  t.equal(publicOrigin(testConfig({ PUBLIC_BASE_URL: 'https://bridge.example.com/' })), 'https://bridge.example.com')
  t.equal(publicOrigin(testConfig({ HOST: '0.0.0.0', PORT: '8080' })), 'http://127.0.0.1:8080')
  t.equal(publicOrigin(testConfig({ HOST: '::1', PORT: '9000' })), 'http://[::1]:9000')
})

for (const [name, env, origin] of [
  ['without PUBLIC_BASE_URL', { PORT: '8080', HOST: '0.0.0.0' }, 'http://127.0.0.1:8080'],
  ['with PUBLIC_BASE_URL', { PUBLIC_BASE_URL: 'https://bridge.example.com' }, 'https://bridge.example.com']
] as const) {
  t.test(`Host and X-Forwarded-Host are not reflected into Location or meta.location, ${name}`, async (t) => {
    const { app, headers } = await buildTestApp(t, { env: { ...env, TRUST_PROXY: 'true' } })
    const evil = { ...headers, host: 'evil.example', 'x-forwarded-host': 'evil2.example', 'x-forwarded-proto': 'https' }
    const created = await app.inject({ method: 'POST', url: '/scim/v2/Users', headers: evil, payload: { schemas: [USER], userName: 'ada' } })
    t.equal(created.statusCode, 201)
    const id = created.json().id as string
    t.equal(created.headers.location, `${origin}/scim/v2/Users/${id}`)
    t.equal(created.json().meta.location, `${origin}/scim/v2/Users/${id}`)
    const spc = await app.inject({ method: 'GET', url: '/scim/v2/ServiceProviderConfig', headers: evil })
    t.notMatch(spc.body, /evil/, 'discovery documents too')
  })
}
