import t from 'tap'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from './helpers/child-process.js'

// No Docker engine runs here, so this checks what the image build would need: every path the
// Dockerfile copies exists (in the repo, or in dist/ after `npm run build`), and what it runs.
const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8')
const lines = dockerfile.split('\n').map((l) => l.trim())

t.before(() => {
  execFileSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: repoRoot, stdio: 'inherit' })
})

t.test('every COPY source exists', async (t) => {
  const copies = lines.filter((l) => l.startsWith('COPY '))
  t.ok(copies.length >= 5)
  for (const line of copies) {
    const parts = line.replace(/^COPY\s+/, '').split(/\s+/)
    const fromStage = parts[0]?.startsWith('--from=')
    const paths = parts.filter((p) => !p.startsWith('--')).slice(0, -1)
    for (const path of paths) {
      // A stage copy takes what the build stage made: dist/ after the build, node_modules after install.
      const local = fromStage ? path.replace(/^\/app\//, '') : path
      t.ok(existsSync(join(repoRoot, local)), `${line}: ${local} exists`)
    }
  }
})

t.test('the build stage runs scripts that exist', async (t) => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  for (const match of dockerfile.matchAll(/npm run (\S+)/g)) t.ok(pkg.scripts[match[1]!], `npm run ${match[1]} is a script`)
  t.ok(existsSync(join(repoRoot, 'package-lock.json')), 'npm ci needs the lock file')
})

t.test('CMD runs the built entry point and the image is non-root with a health check', async (t) => {
  const cmd = lines.findLast((l) => l.startsWith('CMD '))
  t.ok(cmd)
  const args = JSON.parse(cmd!.slice(4)) as string[]
  const entry = args.find((a) => a.endsWith('.js'))
  t.ok(entry && existsSync(join(repoRoot, entry)), `${entry} exists after the build`)
  t.ok(lines.includes('USER node'))
  t.match(dockerfile, /HEALTHCHECK[\s\S]*\/healthz/)
  t.match(dockerfile, /VOLUME \["\/data"\]/)
  t.match(dockerfile, /npm prune --omit=dev/, 'runtime stage carries production dependencies only')
  t.equal(lines.filter((l) => l.startsWith('FROM ')).length, 2, 'multi-stage')
})

t.test('the base image is an exact Node release, the same in both stages, matching engines', async (t) => {
  const froms = lines.filter((l) => l.startsWith('FROM ')).map((l) => l.split(/\s+/)[1]!)
  t.equal(froms.length, 2)
  for (const image of froms) t.match(image, /^node:\d+\.\d+\.\d+-[a-z]+(-slim)?(@sha256:[0-9a-f]{64})?$/, `${image} does not float`)
  t.equal(froms[0], froms[1], 'build and runtime run the same Node')
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { engines: { node: string } }
  const [major, minor] = froms[0]!.replace(/^node:/, '').split('.').map(Number)
  const [needMajor, needMinor] = pkg.engines.node.replace(/^>=/, '').split('.').map(Number)
  t.ok(major! > needMajor! || (major === needMajor && minor! >= needMinor!), `the image's Node satisfies engines ${pkg.engines.node}`)
})
