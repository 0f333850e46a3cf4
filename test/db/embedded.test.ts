import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { DataDirLockedError } from '../../src/db/data-dir-lock.js'
import { insertTenant, findTenantByName } from '../../src/tenants/tenants-repository.js'
import { pgliteDataDir } from '../helpers/database.js'

t.test('embedded data survives a close and reopen', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'smb-embedded-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const first = await openDatabase({ dataDir })
  await migrateToLatest(first.db)
  await insertTenant(first.db, 'persisted')
  await first.close()
  const second = await openDatabase({ dataDir })
  t.teardown(() => second.close())
  t.equal(second.engine, 'pglite')
  t.ok(await findTenantByName(second.db, 'PERSISTED'), 'found again, case-insensitively')
})

t.test('a second open of the same data directory is refused while the first is open', async (t) => {
  // A copy of the migrated template: the lock is the point here, not creating a database.
  const dataDir = await pgliteDataDir(t)
  const first = await openDatabase({ dataDir })
  await t.rejects(openDatabase({ dataDir }), DataDirLockedError)
  await first.close()
  const again = await openDatabase({ dataDir })
  await again.close()
  t.pass('reopens once the first holder closed')
})
