/** An undo step recorded after its action succeeded. */
export interface Compensation {
  description: string;
  run(): Promise<void>;
}

/** What an action leaves the saga: how to undo it, how to check its work finished, and a degraded mode to end. */
export interface ActionOutcome {
  undo?: Compensation;
  /** Waits for the work the action started; throws with the reason when it does not finish well. */
  awaitCompletion?: () => Promise<void>;
  /** Actions with the same key share one wait, such as a rollback and a scale-up of one Deployment. */
  completionKey?: string;
  /** A degraded mode the saga turns off once the SLO has held for `afterMs`. */
  degradedMode?: { afterMs: number; end: Compensation };
}
