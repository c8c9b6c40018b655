/**
 * Points in a submission where tests make the worker stop dead, as a crash or a lost container
 * would: nothing after the point runs, not even cleanup.
 *
 * - `beforeSubmit`: the run is claimed (SUBMITTING with this worker's lease), no job exists.
 * - `afterSubmit`: SubmitJob returned a job id that is not yet recorded on the run.
 */
export type FaultPoint = 'beforeSubmit' | 'afterSubmit'

/** Test hooks; production passes none. A hook that throws SimulatedCrashError ends the step. */
export interface FaultHooks {
  at?(point: FaultPoint, runId: string): void | Promise<void>
}

/** Error a fault hook throws to end a step at that point. */
export class SimulatedCrashError extends Error {
  constructor(
    readonly point: FaultPoint,
    readonly runId: string,
  ) {
    super(`simulated crash at ${point} of run ${runId}`)
    this.name = 'SimulatedCrashError'
  }
}
