// `npm start` runs this first: it compiles only when a source is newer than the last build, and
// says which it did, so a start is neither silently stale nor slowed by a needless rebuild.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const stamp = join(root, 'dist/.build-stamp')
const inputs = ['src', 'migrations', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json']

function newest (path) {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  return readdirSync(path).reduce((latest, name) => Math.max(latest, newest(join(path, name))), stat.mtimeMs)
}

const sourcesAt = Math.max(...inputs.map((p) => newest(join(root, p))))
const builtAt = existsSync(stamp) ? statSync(stamp).mtimeMs : 0
if (builtAt >= sourcesAt) {
  console.log('scim-meta-bridge: build is up to date (dist/)')
} else {
  console.log(builtAt === 0 ? 'scim-meta-bridge: no build yet; building…' : 'scim-meta-bridge: sources changed since the last build; building…')
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' })
  writeFileSync(stamp, `${new Date().toISOString()}\n`)
}
