import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'

export interface DataDirLock {
  release: () => void
}

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError'
}

/** Directories this process holds, so a second open here is refused rather than taken over. */
const heldHere = new Set<string>()

/** Whether a process with this pid exists (EPERM: it does, owned by someone else). */
export function processAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * An exclusive lock file (`O_EXCL`) holding our pid. A stale lock from a killed process is
 * taken over, a live one refuses: two processes on one PGlite directory lose commits.
 */
export function acquireDataDirLock (dataDir: string): DataDirLock {
  const path = join(dataDir, 'scim-meta-bridge.lock')
  if (heldHere.has(path)) throw new DataDirLockedError(`data directory ${dataDir} is already open in this process`)
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      heldHere.add(path)
      let released = false
      return {
        release: () => {
          if (released) return
          released = true
          heldHere.delete(path)
          rmSync(path, { force: true })
        }
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const holder = Number.parseInt(readFileSync(path, 'utf8'), 10)
      // Our own pid here is a previous incarnation (a container's pid 1 after a crash): stale.
      if (Number.isInteger(holder) && holder !== process.pid && processAlive(holder)) {
        throw new DataDirLockedError(`data directory ${dataDir} is in use by process ${holder}`)
      }
      rmSync(path, { force: true })
    }
  }
  throw new DataDirLockedError(`could not lock data directory ${dataDir}`)
}
