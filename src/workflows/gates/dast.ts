import { isCancellation } from '@temporalio/workflow';
import type { GateVerdict } from '../../gates/contracts';
import { zapActiveScan, zapAlerts, zapSpider } from './scanner-activities';
import { dastVerdict } from './dast-verdict';
import { describeGateFailure } from './failure-summary';
import type { DastGateInput } from './gate-inputs';
import { errorVerdict } from './verdict-helpers';

const DEFAULT_SPIDER_TIMEOUT_MS = 30 * 60_000;
const DEFAULT_SCAN_TIMEOUT_MS = 4 * 60 * 60_000;
const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * DAST gate of the testing matrix: crawls the staging deployment with ZAP's spider, runs an active scan on what
 * it found, then reads the alerts. Blocks on any Medium or High risk alert. A ZAP fault or a scan that passes
 * its deadline gives an `error` verdict, and the scan activities stop their scan in ZAP when they are cancelled.
 */
export async function dastGate(input: DastGateInput): Promise<GateVerdict> {
  const startedAt = Date.now();
  const targetUrl = input.targetUrl ?? input.target.baseUrl;
  if (!targetUrl) {
    return errorVerdict('dast', 'no URL to scan: set target.baseUrl or targetUrl of the DAST gate', startedAt);
  }
  const maxAttempts = input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  let step = 'ZAP spider';
  try {
    await zapSpider(input.spiderTimeoutMs ?? DEFAULT_SPIDER_TIMEOUT_MS, maxAttempts).runZapSpider({
      targetUrl,
      maxChildren: input.spiderMaxChildren,
      contextName: input.contextName,
    });
    step = 'ZAP active scan';
    await zapActiveScan(input.scanTimeoutMs ?? DEFAULT_SCAN_TIMEOUT_MS, maxAttempts).runZapActiveScan({
      targetUrl,
      scanPolicyName: input.scanPolicyName,
      contextId: input.contextId,
    });
    step = 'reading the ZAP alerts';
    const alerts = await zapAlerts(maxAttempts).readZapAlerts({ targetUrl });
    return dastVerdict(targetUrl, alerts, Date.now() - startedAt);
  } catch (error) {
    if (isCancellation(error)) throw error;
    return errorVerdict('dast', `${step} of ${targetUrl} failed: ${describeGateFailure(error)}`, startedAt);
  }
}
