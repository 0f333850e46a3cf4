import type { ActionOutcome, JobReport, ProvisioningAction } from '../../metrics/types.js'
import type { MetaCallReport } from '../../meta/index.js'
import type { Step } from '../engine/reconcile-types.js'

/**
 * Where the provisioning engine reports what it did. The process's metrics registry
 * (src/metrics/registry.ts) fits as it is; the engine itself knows no metrics library.
 */
export interface ProvisioningMetrics {
  /** Every Graph call of the worker's clients (and of the admin API's, which share them). */
  recordMetaCall: (report: MetaCallReport) => void
  /** Every job the worker finished, with how long it ran. */
  recordJob: (report: JobReport) => void
  /** Every plan step the worker processed, with what became of it. */
  recordProvisioningAction: (action: ProvisioningAction, outcome: ActionOutcome) => void
}

export const noProvisioningMetrics: ProvisioningMetrics = {
  recordMetaCall: () => {},
  recordJob: () => {},
  recordProvisioningAction: () => {}
}

/** The action a step stands for: `skip` and `blocked` steps name the one they stand in for. */
export function actionLabel (step: Step): ProvisioningAction {
  return step.kind === 'skip' || step.kind === 'blocked' || step.kind === 'manual' ? step.action : step.kind
}

/** What a step that is not sent to Meta becomes: skipped, blocked, or (dry run) planned only. */
export function unsentOutcome (step: Step): ActionOutcome {
  if (step.kind === 'skip') return 'skipped'
  if (step.kind === 'blocked') return 'blocked'
  if (step.kind === 'manual') return 'manual'
  return 'dry_run'
}
