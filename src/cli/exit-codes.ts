/** Exit codes of the CLI; docs/cli.md lists the same table. */
export const EXIT = Object.freeze({
  ok: 0,
  /** The operation failed: the service answered with an error, or a sync run failed. */
  failed: 1,
  /** Bad command line or input the service rejected as invalid (HTTP 400). */
  usage: 2,
  /** Missing, wrong or revoked admin token (HTTP 401/403). */
  auth: 3,
  /** The tenant, token or run does not exist (HTTP 404). */
  notFound: 4,
  /** The service could not be reached (connection refused, DNS, timeout). */
  unreachable: 5
})

export type ExitCode = typeof EXIT[keyof typeof EXIT]

/** Any failure the CLI reports: a message for people, a code for scripts. */
export class CliError extends Error {
  override name = 'CliError'
  constructor (readonly exitCode: ExitCode, message: string, readonly details?: unknown) {
    super(message)
  }
}

export const usageError = (message: string): CliError => new CliError(EXIT.usage, message)

/** Maps an admin API error status to an exit code. */
export function exitCodeForStatus (status: number): ExitCode {
  if (status === 401 || status === 403) return EXIT.auth
  if (status === 404) return EXIT.notFound
  if (status === 400) return EXIT.usage
  return EXIT.failed
}
