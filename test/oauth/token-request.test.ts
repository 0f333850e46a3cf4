import t from 'tap'
import { OAuthError } from '../../src/oauth/oauth-error.js'
import { parseBasic, parseForm, parseTokenRequest } from '../../src/oauth/token-request.js'
import { expandAudiences, keySetUrlProblem } from '../../src/oauth/trust-rules.js'
import { basic, form } from './helpers.js'

function error (fn: () => unknown): OAuthError {
  try {
    fn()
  } catch (err) {
    if (err instanceof OAuthError) return err
    throw err
  }
  throw new Error('no error')
}

t.test('Basic: id and secret are form-urlencoded before base64 (RFC 6749 §2.3.1)', async (t) => {
  const id = 'client:with+plus%and ünïcode'
  const secret = 'sec:ret+with%25 spaces/ and ✓'
  t.same(parseBasic(basic(id, secret)), { clientId: id, secret }, 'round trip of :, +, %, space and non-ASCII')
  // A client that did not encode: the first ':' splits, '+' is a space (Appendix B).
  const raw = 'Basic ' + Buffer.from('abc:d:e+f').toString('base64')
  t.same(parseBasic(raw), { clientId: 'abc', secret: 'd:e f' })
  t.equal(parseBasic(undefined), undefined)
  const noColon = error(() => parseBasic('Basic ' + Buffer.from('abc').toString('base64')))
  t.equal(noColon.code, 'invalid_client')
  t.equal(noColon.usedBasic, true, 'a Basic failure carries the challenge')
  t.equal(error(() => parseBasic('Basic ' + Buffer.from('a:%zz').toString('base64'))).code, 'invalid_client',
    'bad percent-encoding')
  t.equal(error(() => parseBasic('Bearer abc')).code, 'invalid_request')
  t.same(parseBasic('basic ' + Buffer.from('a:b').toString('base64')), { clientId: 'a', secret: 'b' },
    'scheme in any case')
})

t.test('form: repeated parameters refused, empty ones absent, unknown ones kept aside', async (t) => {
  t.equal(error(() => parseForm('a=1&a=2')).code, 'invalid_request')
  t.equal(error(() => parseForm('a=&a=2')).code, 'invalid_request', 'an empty copy still repeats')
  const params = parseForm('a=1&b=&c=x%2By+z')
  t.same([...params], [['a', '1'], ['c', 'x+y z']])
})

t.test('credential choice', async (t) => {
  const secretPost = parseTokenRequest(form({ grant_type: 'client_credentials', client_id: 'i', client_secret: 's' }),
    undefined)
  t.same(secretPost.credentials, { kind: 'secret', clientId: 'i', secret: 's', usedBasic: false })
  const both = parseTokenRequest(form({ grant_type: 'client_credentials', client_id: 'i' }), basic('i', 's'))
  t.same(both.credentials, { kind: 'secret', clientId: 'i', secret: 's', usedBasic: true },
    'client_id in the body may repeat Basic\'s')
  const otherId = error(() => parseTokenRequest(form({ grant_type: 'client_credentials', client_id: 'j' }), basic('i',
    's')))
  t.equal(otherId.code, 'invalid_client')
  t.equal(otherId.reason, 'basic_and_body_disagree')
  const none = error(() => parseTokenRequest(form({ grant_type: 'client_credentials' }), undefined))
  t.equal(none.code, 'invalid_client')
  t.equal(none.usedBasic, false)
  const scope = parseTokenRequest(form({
    grant_type: 'client_credentials',
    scope: 'a b',
    client_id: 'i',
    client_secret: 's'
  }), undefined)
  t.equal(scope.scope, 'a b')
  t.equal(error(() => parseTokenRequest(form({ grant_type: 'client_credentials', scope: 'a  b' }), undefined)).code,
    'invalid_scope')
  const huge = 'x'.repeat(16_385)
  t.equal(error(() => parseTokenRequest(form({
    grant_type: 'client_credentials',
    client_id: 'i',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: huge
  }), undefined)).code, 'invalid_request', 'assertion over 16 KiB')
})

t.test('trust rules: exact audiences and the key set allow-list', async (t) => {
  const app = 'b5ba7a93-aaaa-4bbb-8ccc-ddddeeeeffff'
  t.same(expandAudiences([`api://${app}/.default`]), [`api://${app}`, app])
  t.same(expandAudiences([app, 'urn:custom']), [app, 'urn:custom'])
  t.equal(keySetUrlProblem('https://login.microsoftonline.com/x/discovery/v2.0/keys', false), undefined)
  t.equal(keySetUrlProblem('https://login.windows.net/x/discovery/v2.0/keys', false), undefined)
  t.match(keySetUrlProblem('https://login.microsoftonline.com.evil.example/keys', false), /host/)
  t.match(keySetUrlProblem('https://user:pw@login.microsoftonline.com/keys', false), /credentials/)
  t.match(keySetUrlProblem('http://127.0.0.1:8080/keys', false), /https/)
  t.equal(keySetUrlProblem('http://127.0.0.1:8080/keys', true), undefined)
  t.match(keySetUrlProblem('http://10.0.0.1/keys', true), /https/, 'the test setting covers loopback only')
})
