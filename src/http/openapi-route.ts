import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'

// Two levels up from src/http (tsx) or dist/src/http (built): the repo or image root either way.
function specPath (): string {
  const here = dirname(fileURLToPath(import.meta.url))
  const depth = here.includes(`${join('dist', 'src')}`) ? '../../..' : '../..'
  return join(here, depth, 'openapi.yaml')
}

/** Serves the committed contract, openapi.yaml, as it is. */
export async function openapiRoute (app: FastifyInstance): Promise<void> {
  const spec = await readFile(specPath(), 'utf8')
  app.get('/openapi.yaml', { logLevel: 'warn' }, async (_request, reply) => reply.type('application/yaml; charset=utf-8').send(spec))
}
