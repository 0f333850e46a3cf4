/** The phases of a sync run in order (src/sync/sync-service.ts, import-directory.ts). */
export const SYNC_PHASES = [
  'starting', 'connecting', 'members', 'invites', 'system_users', 'partners', 'assets',
  'assignments', 'matching', 'storing', 'done'
] as const

const WIDTH = 24
const SHOWN_COUNTS = ['members', 'invites', 'system_users', 'assets', 'assignments', 'matched_users'] as const

export interface RunProgress { phase: string, counts: Record<string, number> }

/**
 * Draws a run's progress on stderr: a bar redrawn in place on a terminal, one line per phase
 * otherwise (CI logs, pipes), so stdout stays the result alone.
 */
export function progressRenderer (stream: NodeJS.WriteStream) {
  const tty = stream.isTTY === true
  let lastPhase = ''
  return {
    update (run: RunProgress): void {
      const index = Math.max(0, SYNC_PHASES.indexOf(run.phase as typeof SYNC_PHASES[number]))
      const done = run.phase === 'done' ? WIDTH : Math.round((index / (SYNC_PHASES.length - 1)) * WIDTH)
      const counts = SHOWN_COUNTS.filter((k) => run.counts[k] !== undefined).map((k) => `${k}=${run.counts[k] ?? 0}`).join(' ')
      const line = `[${'#'.repeat(done)}${'-'.repeat(WIDTH - done)}] ${run.phase}${counts === '' ? '' : `  ${counts}`}`
      if (tty) stream.write(`\r\x1b[2K${line}`)
      else if (run.phase !== lastPhase) stream.write(`${line}\n`)
      lastPhase = run.phase
    },
    end (): void {
      if (tty) stream.write('\n')
    }
  }
}
