import type {
  DagRunRef,
  DagRunStatus,
  RestartDagRunRequest,
  RowActionActivities,
  WaitForDagRunRequest,
} from '../contracts';
import { AirflowClient, type AirflowClientOptions } from './client';
import { toDagRunStatus } from './dag-run';
import { judgeOverdue, UNFINISHED_STATES } from './overdue';
import { restartDagRun } from './restart';
import { waitForDagRun } from './wait';
import type { FindOverdueDagRunsRequest, OverdueDagRun } from './watchdog-types';

export interface AirflowActivityOptions extends AirflowClientOptions {
  /** Pause between reads of a run in waitForDagRun, in milliseconds. Default 5000. */
  pollIntervalMs?: number;
}

export type AirflowActivities = Pick<RowActionActivities, 'readDagRun' | 'restartDagRun' | 'waitForDagRun'> & {
  findOverdueDagRuns(request: FindOverdueDagRunsRequest): Promise<OverdueDagRun[]>;
};

/** Creates the Airflow activities of the ETL row and its watchdog, sharing one client and its token cache. */
export function createAirflowActivities(options: AirflowActivityOptions): AirflowActivities {
  const client = new AirflowClient(options);
  const pollIntervalMs = options.pollIntervalMs ?? 5000;
  return {
    async readDagRun(request: DagRunRef): Promise<DagRunStatus> {
      return toDagRunStatus(await client.getDagRun(request), Date.now());
    },
    restartDagRun(request: RestartDagRunRequest) {
      return restartDagRun(client, request);
    },
    waitForDagRun(request: WaitForDagRunRequest) {
      return waitForDagRun(client, request, pollIntervalMs);
    },
    async findOverdueDagRuns(request: FindOverdueDagRunsRequest): Promise<OverdueDagRun[]> {
      const overdue: OverdueDagRun[] = [];
      for (const dagId of request.dagIds) {
        const runs = await client.listDagRuns(dagId, UNFINISHED_STATES);
        const now = Date.now();
        for (const run of runs) {
          const judged = judgeOverdue(run, request.maxRunDurationSeconds, now);
          if (judged) overdue.push(judged);
        }
      }
      return overdue;
    },
  };
}
