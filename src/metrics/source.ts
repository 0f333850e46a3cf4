import type { Counter, Metric, Registry } from 'prom-client'

/** A callback the registry calls once per scrape; sync or async. */
export type Sampler<S> = () => S | Promise<S>

/** Gauge families and how one scrape's samples are written into them. */
export interface GaugeSet<S> {
  metrics: Array<Metric<string>>
  apply: (samples: S[]) => void
}

export interface SourceGroupOptions<S> {
  /** Label of `scim_bridge_metrics_source_errors_total` when a sampler fails. */
  name: string
  registry: Registry
  /** Metric families fed by this group; registered while at least one sampler is attached. */
  metrics: Array<Metric<string>>
  /** Writes every sample of this scrape into the metrics (after they were reset). */
  apply: (samples: S[]) => void
  errors: Counter<'source'>
  timeoutMs: number
}

/**
 * Gauges collected at scrape time from callbacks, so nothing polls between scrapes. A family
 * is exposed only while something feeds it: a gauge nobody sets would read 0 and look healthy.
 * A sampler that throws or hangs is counted and dropped from this scrape; its series vanish
 * rather than go stale.
 */
export class SourceGroup<S> {
  private readonly samplers = new Set<Sampler<S>>()

  constructor (private readonly options: SourceGroupOptions<S>) {}

  add (sampler: Sampler<S>): () => void {
    if (this.samplers.size === 0) {
      for (const metric of this.options.metrics) this.options.registry.registerMetric(metric)
    }
    this.samplers.add(sampler)
    return () => {
      if (!this.samplers.delete(sampler) || this.samplers.size > 0) return
      for (const metric of this.options.metrics) this.options.registry.removeSingleMetric(metricName(metric))
    }
  }

  async refresh (): Promise<void> {
    if (this.samplers.size === 0) return
    const results = await Promise.all([...this.samplers].map(async (sampler) => await this.sample(sampler)))
    for (const metric of this.options.metrics) metric.reset()
    this.options.apply(results.filter((r): r is Awaited<S> => r !== failed) as S[])
  }

  private async sample (sampler: Sampler<S>): Promise<Awaited<S> | typeof failed> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<typeof failed>((resolve) => {
      // Not unref'd: a scrape in progress is work, and the timer is cleared as soon as it settles.
      timer = setTimeout(() => resolve(failed), this.options.timeoutMs)
    })
    try {
      const result = await Promise.race([Promise.resolve().then(sampler), timeout])
      if (result === failed) this.options.errors.inc({ source: this.options.name })
      return result as Awaited<S> | typeof failed
    } catch {
      this.options.errors.inc({ source: this.options.name })
      return failed
    } finally {
      clearTimeout(timer)
    }
  }
}

const failed = Symbol('failed')

function metricName (metric: Metric<string>): string {
  return (metric as unknown as { name: string }).name
}
