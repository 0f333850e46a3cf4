import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { envSchema } from '../src/config.js'
import { repoRoot } from './helpers/child-process.js'

// config.ts, README.md's table and .env.example must name the same variables.
const variables = Object.keys(envSchema.shape).sort()

t.test('README.md documents every variable and no other', async (t) => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8')
  const documented = [...readme.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]).sort()
  t.same(documented, variables)
})

t.test('.env.example lists every variable', async (t) => {
  const example = readFileSync(join(repoRoot, '.env.example'), 'utf8')
  const listed = [...new Set([...example.matchAll(/^#?\s?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]))].sort()
  t.same(listed, variables)
})
