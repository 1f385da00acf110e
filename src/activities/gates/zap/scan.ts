import { activityInfo, Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { pollUntilDone } from '../activity-poll';
import { GateFailureType } from '../failure-types';
import { callZap, type ZapConnection } from './client';
import { actionResultSchema, scanStartedSchema, scanStatusSchema } from './schemas';
import type { ScanResult } from './types';

/** ZAP's two scanners: the spider crawls, `ascan` attacks what the spider found. */
export type ScanKind = 'spider' | 'ascan';

const SCANNER_NAMES: Record<ScanKind, string> = { spider: 'spider', ascan: 'active scan' };

/** Heartbeat details of a running scan; a retried attempt resumes this scan instead of starting another. */
interface ScanProgress {
  scanId: string;
  progress: number;
}

export interface ScanOptions {
  kind: ScanKind;
  targetUrl: string;
  /** Parameters of `<kind>/action/scan` besides the URL. */
  startParams: Record<string, string | undefined>;
  pollIntervalMs: number;
}

async function startScan(connection: ZapConnection, options: ScanOptions): Promise<string> {
  const started = await callZap(
    connection,
    `${options.kind}/action/scan`,
    { url: options.targetUrl, ...options.startParams },
    scanStartedSchema,
    `start the ${SCANNER_NAMES[options.kind]} of ${options.targetUrl}`,
  );
  Context.current().log.info(`ZAP ${SCANNER_NAMES[options.kind]} started`, {
    scanId: started.scan,
    targetUrl: options.targetUrl,
  });
  return started.scan;
}

async function readProgress(connection: ZapConnection, kind: ScanKind, scanId: string): Promise<ScanProgress> {
  const status = await callZap(
    connection,
    `${kind}/view/status`,
    { scanId },
    scanStatusSchema,
    `read the progress of ${SCANNER_NAMES[kind]} ${scanId}`,
  );
  return { scanId, progress: Number(status.status) };
}

/** Returns the scan of an earlier attempt while ZAP still has it, or undefined, such as after a ZAP restart. */
async function resumableScan(connection: ZapConnection, kind: ScanKind): Promise<string | undefined> {
  const details = activityInfo().heartbeatDetails as Partial<ScanProgress> | undefined;
  if (typeof details?.scanId !== 'string') return undefined;
  try {
    await readProgress(connection, kind, details.scanId);
    return details.scanId;
  } catch (error) {
    if (error instanceof ApplicationFailure && error.type === GateFailureType.ScanNotFound) return undefined;
    throw error;
  }
}

/** Stops a scan after the activity was cancelled. Best effort: a failure is logged, not thrown. */
async function stopScan(connection: ZapConnection, kind: ScanKind, scanId: string): Promise<void> {
  const log = Context.current().log;
  try {
    // The activity's own signal is already aborted, so the stop request goes out without it.
    await callZap(
      { ...connection, signal: undefined },
      `${kind}/action/stop`,
      { scanId },
      actionResultSchema,
      `stop ${SCANNER_NAMES[kind]} ${scanId}`,
    );
    log.info(`ZAP ${SCANNER_NAMES[kind]} stopped after cancellation`, { scanId });
  } catch (error) {
    log.warn(`ZAP ${SCANNER_NAMES[kind]} could not be stopped; it keeps running in ZAP`, {
      scanId,
      error: (error as Error).message,
    });
  }
}

/**
 * Runs one ZAP scan to 100 % and heartbeats its progress. A retried attempt resumes the scan id it finds in
 * the heartbeat details. When the activity is cancelled, by the workflow or because its deadline passed, the
 * scan is stopped in ZAP, so that it does not keep attacking the target after the gate gave up.
 */
export async function runScan(connection: ZapConnection, options: ScanOptions): Promise<ScanResult> {
  const context = Context.current();
  const scanId = (await resumableScan(connection, options.kind)) ?? (await startScan(connection, options));
  try {
    await pollUntilDone({
      intervalMs: options.pollIntervalMs,
      read: () => readProgress(connection, options.kind, scanId),
      isDone: (state) => state.progress >= 100,
      details: (state) => state,
    });
  } catch (error) {
    if (context.cancellationSignal.aborted) await stopScan(connection, options.kind, scanId);
    throw error;
  }
  context.log.info(`ZAP ${SCANNER_NAMES[options.kind]} finished`, { scanId, targetUrl: options.targetUrl });
  return { scanId };
}
