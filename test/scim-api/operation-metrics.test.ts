import t from 'tap'
import { scimOperationOf } from '../../src/scim-api/operation-metrics.js'

t.test('SCIM operations come from the route pattern inside the scope and method', async (t) => {
  t.same(scimOperationOf('POST', '/Users'), { resource: 'User', operation: 'create' })
  t.same(scimOperationOf('GET', '/Groups'), { resource: 'Group', operation: 'list' })
  t.same(scimOperationOf('POST', '/Groups/.search'), { resource: 'Group', operation: 'search' })
  t.same(scimOperationOf('POST', '/.search'), { resource: 'all', operation: 'search' })
  t.same(scimOperationOf('PUT', '/Users/:id'), { resource: 'User', operation: 'replace' })
  t.same(scimOperationOf('PATCH', '/Groups/:id'), { resource: 'Group', operation: 'patch' })
  t.same(scimOperationOf('DELETE', '/Users/:id'), { resource: 'User', operation: 'delete' })
  t.same(scimOperationOf('POST', '/Users/:id'), { resource: 'User', operation: 'unsupported' })
  t.same(scimOperationOf('GET', '/Schemas/:id'), { resource: 'Schemas', operation: 'get' })
  t.same(scimOperationOf('GET', '/ServiceProviderConfig'), { resource: 'ServiceProviderConfig', operation: 'get' })
  t.equal(scimOperationOf('GET', undefined), undefined)
})
