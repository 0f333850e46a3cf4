/** Command-line options of `npm run bench` (see bench/README.md). */

export type Engine = 'postgres' | 'pglite'

export const SCENARIOS = [
  'floor-read', 'floor-read-app-sql', 'floor-read-combined', 'floor-write', 'filter', 'get', 'list-deep', 'post', 'patch-user',
  'patch-group-big', 'patch-group-small', 'post-with-job', 'import', 'fanout', 'memory', 'filter-log-off', 'post-with-job-log-off', 'drain-latency'
] as const
export type ScenarioName = typeof SCENARIOS[number]

export interface BenchOptions {
  quick: boolean
  engines: Engine[]
  scales: number[]
  scenarios: Set<ScenarioName>
  connections: number[]
  durationSeconds: number
  warmupSeconds: number
  importUsers: number
  importConcurrency: number
  fanoutUsers: number
  fanoutTimeoutSeconds: number
  fanoutBudget: number
  fanoutWindowSeconds: number
  fanoutReplicas: number[]
  workerConcurrency: number | undefined
  drainMembers: number
  pgUrl: string
  logLevel: string
  cpuProfile: boolean
  output: string
}

const HELP = `npm run bench -- [options]
  --quick                  short smoke run: 10k users, 16 connections, 2 s per point, small import
  --engine=pg,pglite       engines to run (default both)
  --scale=10000,100000     user counts (default both; 10k/100k accepted)
  --scenario=a,b           scenarios (default all): ${SCENARIOS.join(', ')}
  --connections=1,16,64    autocannon connection counts
  --duration=4             seconds per measured point (interleaved pairs: 2 rounds of half)
  --warmup=1               seconds of warm-up before each scenario
  --import-users=10000     users in the Okta-style import
  --import-concurrency=4   parallel requests of the import (Okta uses a handful)
  --fanout-users=10000     new entitled users in the Meta fan-out
  --fanout-timeout=600     seconds before the fan-out is reported unfinished
  --fanout-budget=4000     simulator call budget per window (app and each business use case)
  --fanout-window=20       seconds of the simulator's rolling window (200 calls/s by default)
  --fanout-replicas=1,2    worker replicas of the fan-out; 2 or more run as processes of their own (PostgreSQL only)
  --worker-concurrency=N   WORKER_CONCURRENCY of the fan-out's worker (default: the service's default)
  --drain-members=10000    group members added by the one PATCH of drain-latency (PGlite only)
  --pg-url=URL             PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres)
  --log-level=warn         LOG_LEVEL of the served app
  --cpu-prof               write V8 CPU profiles of the server processes to bench/profiles/
  --output=bench/RESULTS.md`

function list (value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '')
}

function scale (value: string): number {
  const m = /^(\d+(?:\.\d+)?)(k?)$/i.exec(value)
  if (!m?.[1]) throw new Error(`bad scale ${value}`)
  return Math.round(Number(m[1]) * (m[2] ? 1000 : 1))
}

export function parseArgs (argv: string[]): BenchOptions {
  const values = new Map<string, string>()
  for (const arg of argv) {
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(HELP + '\n')
      process.exit(0)
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg)
    if (!m?.[1]) throw new Error(`unknown argument ${arg}\n${HELP}`)
    values.set(m[1], m[2] ?? 'true')
  }
  const known = new Set(['quick', 'engine', 'scale', 'scenario', 'connections', 'duration', 'warmup', 'import-users', 'import-concurrency', 'fanout-users', 'fanout-timeout', 'fanout-budget', 'fanout-window', 'fanout-replicas', 'worker-concurrency', 'drain-members', 'pg-url', 'log-level', 'cpu-prof', 'output'])
  for (const key of values.keys()) if (!known.has(key)) throw new Error(`unknown option --${key}\n${HELP}`)
  const quick = values.get('quick') === 'true'
  const engines = list(values.get('engine') ?? 'pg,pglite').map((e): Engine => {
    if (e === 'pg' || e === 'postgres') return 'postgres'
    if (e === 'pglite' || e === 'embedded') return 'pglite'
    throw new Error(`unknown engine ${e}`)
  })
  const scenarios = new Set<ScenarioName>()
  for (const s of list(values.get('scenario') ?? SCENARIOS.join(','))) {
    if (!(SCENARIOS as readonly string[]).includes(s)) throw new Error(`unknown scenario ${s}; known: ${SCENARIOS.join(', ')}`)
    scenarios.add(s as ScenarioName)
  }
  return {
    quick,
    engines,
    scales: list(values.get('scale') ?? (quick ? '10k' : '10k,100k')).map(scale).sort((a, b) => a - b),
    scenarios,
    connections: list(values.get('connections') ?? (quick ? '16' : '1,16,64')).map(Number),
    durationSeconds: Number(values.get('duration') ?? (quick ? 2 : 4)),
    warmupSeconds: Number(values.get('warmup') ?? (quick ? 0.5 : 1)),
    importUsers: Number(values.get('import-users') ?? (quick ? 500 : 10_000)),
    importConcurrency: Number(values.get('import-concurrency') ?? 4),
    fanoutUsers: Number(values.get('fanout-users') ?? (quick ? 300 : 10_000)),
    fanoutTimeoutSeconds: Number(values.get('fanout-timeout') ?? (quick ? 60 : 600)),
    fanoutBudget: Number(values.get('fanout-budget') ?? 4_000),
    fanoutWindowSeconds: Number(values.get('fanout-window') ?? 20),
    fanoutReplicas: list(values.get('fanout-replicas') ?? '1,2').map(Number).filter((n) => Number.isInteger(n) && n >= 1),
    workerConcurrency: values.has('worker-concurrency') ? Number(values.get('worker-concurrency')) : undefined,
    drainMembers: Number(values.get('drain-members') ?? (quick ? 2_000 : 10_000)),
    pgUrl: values.get('pg-url') ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    logLevel: values.get('log-level') ?? 'warn',
    cpuProfile: values.get('cpu-prof') === 'true',
    output: values.get('output') ?? 'bench/RESULTS.md'
  }
}
