import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { FastifyInstance } from 'fastify'
import { applySecurityHeaders } from '../security/headers.js'
import { BEHAVIOUR } from './behaviour.js'
import { STYLES } from './styles.js'

// htmx is served from the installed package (pinned in package.json), never from a CDN: the
// CSP allows scripts from this origin only, and the console works without internet access.
const require = createRequire(import.meta.url)
const htmxSource = readFileSync(require.resolve('htmx.org/dist/htmx.min.js'))
const htmxVersion = (require('htmx.org/package.json') as { version: string }).version

const short = (content: string | Buffer): string => createHash('sha256').update(content).digest('hex').slice(0, 12)

/** Content-addressed URLs: a new release gets new URLs, so assets can be cached for good. */
export const assetUrls = {
  htmx: `/ui/assets/htmx-${htmxVersion}.min.js`,
  styles: `/ui/assets/console-${short(STYLES)}.css`,
  behaviour: `/ui/assets/console-${short(BEHAVIOUR)}.js`
}

export async function assetRoutes (app: FastifyInstance): Promise<void> {
  const serve = (url: string, type: string, body: string | Buffer) => {
    app.get(url, async (_request, reply) => {
      applySecurityHeaders(reply, true)
      return await reply.type(type).send(body)
    })
  }
  serve(assetUrls.htmx, 'text/javascript; charset=utf-8', htmxSource)
  serve(assetUrls.styles, 'text/css; charset=utf-8', STYLES)
  serve(assetUrls.behaviour, 'text/javascript; charset=utf-8', BEHAVIOUR)
}
