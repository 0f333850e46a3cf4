import { statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Logger } from 'pino'
import type { Config } from '../../src/config.js'
import { createSecretBox } from '../../src/crypto/secret-box.js'
import type { DatabaseHandle } from '../../src/db/database.js'
import type { AccessChangeSink } from '../../src/directory/access-change-sink.js'
import type { ReadOnlyUserExtension } from '../../src/directory/user-extensions.js'
import { startProvisioning, type ProvisioningRuntime } from '../../src/provisioning/runtime.js'

/**
 * The provisioning engine as production wires it into the API: startProvisioning on
 * the app's pool (pg-boss, the ReconcileQueue, the engine's AccessChangeSink and the Meta-state
 * user extension), API role: the reconcile worker is not started, so jobs only accumulate.
 */
export interface LoadedProvisioning {
  sink: AccessChangeSink
  userExtensions: ReadOnlyUserExtension[]
  runtime: ProvisioningRuntime
  description: string
  close: () => Promise<void>
}

const root = fileURLToPath(new URL('../../', import.meta.url))
const has = (p: string): boolean => { try { return statSync(join(root, p)).isFile() } catch { return false } }

/** Whether the engine's sink exists (src/provisioning/adapters/access-change-sink.ts and runtime.ts). */
export function engineAvailable (): boolean {
  return has('src/provisioning/adapters/access-change-sink.ts') && has('src/provisioning/runtime.ts')
}

/** A fixed key: the bench stores only simulator credentials. */
export const BENCH_SECRET_BOX = createSecretBox(Buffer.alloc(32, 7))

export async function loadProvisioning (handle: DatabaseHandle, config: Config, logger: Logger, runWorker = false): Promise<LoadedProvisioning> {
  const runtime = await startProvisioning({ config, database: handle, logger, runWorker, supervise: runWorker, box: BENCH_SECRET_BOX })
  return {
    sink: runtime.accessChanges,
    userExtensions: runtime.userExtensions,
    runtime,
    description: `src/provisioning/runtime.ts startProvisioning (${runWorker ? 'worker running' : 'API role, worker not started'})`,
    close: async () => { await runtime.stop() }
  }
}

/** Whether the worker and the simulator-backed Meta client needed by the fan-out exist. */
export function fanoutReadiness (): { ready: boolean, missing: string[] } {
  const missing: string[] = []
  if (!engineAvailable()) missing.push('the provisioning runtime and its AccessChangeSink in src/provisioning')
  if (!has('src/provisioning/jobs/worker.ts')) missing.push('src/provisioning/jobs/worker.ts (the reconcile worker)')
  if (!has('src/simulator/app.ts')) missing.push('src/simulator/app.ts')
  return { ready: missing.length === 0, missing }
}
