import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { chromium, type Browser, type Page } from 'playwright-core'

const require = createRequire(import.meta.url)
export const INSTALL_HINT = 'apt-get install -y chromium'

/** Debian's chromium (or CHROMIUM_PATH); undefined when absent. */
export function chromiumPath (): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(p)) return p
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim() || undefined
  } catch {
    return undefined
  }
}

/**
 * Why browser tests cannot run here, or undefined. In CI a missing browser is a failure, not a
 * skip: .ci/run installs it, and a green run without the browser tests would hide that.
 */
export function browserSkipReason (): string | undefined {
  if (chromiumPath() !== undefined) return undefined
  if (process.env.CI) throw new Error(`CI needs chromium for the console's browser tests: ${INSTALL_HINT}`)
  return `chromium not found; install it with \`${INSTALL_HINT}\` (or set CHROMIUM_PATH) to run the browser tests`
}

interface Teardown { teardown: (fn: () => unknown) => void }

export async function launchBrowser (t: Teardown): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true })
  t.teardown(() => browser.close())
  return browser
}

/**
 * axe-core's WCAG 2 A and AA rules on the page as it is. The CSP forbids injected scripts, so
 * the context that runs this is created with `bypassCSP` (the app's CSP is tested separately).
 */
export async function axeViolations (page: Page): Promise<Array<{ id: string, help: string, nodes: string[] }>> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') })
  return await page.evaluate(async () => {
    const axe = (globalThis as any).axe
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
    return result.violations.map((v: any) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n: any) => n.target.join(' ')) }))
  })
}
