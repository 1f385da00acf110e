import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRunbook } from '../../../src/runbook/load';
import { alertmanagerPayloadSchema } from '../../../src/webhook/alertmanager-payload';
import { isLoopbackHost } from '../../../src/webhook/bearer-auth';
import { planAlerts, UnroutableAlertError } from '../../../src/webhook/plan-alerts';
import { incidentIdFor, remediationWorkflowId } from '../../../src/workflows/remediation/ids';

const runbook = loadRunbook(join(__dirname, '../../../config/runbook.yaml'));
const fixture = JSON.parse(readFileSync(join(__dirname, '../../fixtures/alertmanager/firing-genai-api.json'), 'utf8'));

function payloadWith(alerts: object[]) {
  return alertmanagerPayloadSchema.parse({ ...fixture, alerts });
}

describe('planAlerts', () => {
  const alert = fixture.alerts[0];

  it('routes a firing alert to its runbook row', () => {
    const plan = planAlerts(runbook, alertmanagerPayloadSchema.parse(fixture));
    assert.equal(plan.firing.length, 1);
    assert.equal(plan.firing[0]!.service.id, 'genai-api');
    assert.equal(plan.firing[0]!.alert.fingerprint, 'c4a3b1f0a2d9e8f7');
    assert.equal(plan.resolved.length, 0);
  });

  it('collapses a group of one service into its earliest alert', () => {
    const later = {
      ...alert,
      fingerprint: 'later',
      startsAt: '2026-12-04T10:20:00Z',
      labels: { ...alert.labels, pod: 'b' },
    };
    const earlier = {
      ...alert,
      fingerprint: 'earlier',
      startsAt: '2026-12-04T10:10:00Z',
      labels: { ...alert.labels, pod: 'a' },
    };
    const plan = planAlerts(runbook, payloadWith([later, earlier, { ...alert }]));
    assert.equal(plan.firing.length, 1);
    assert.equal(plan.firing[0]!.alert.fingerprint, 'earlier');
  });

  it('plans a signal for a resolved alert', () => {
    const resolved = { ...alert, status: 'resolved', endsAt: '2026-12-04T10:30:00Z' };
    const plan = planAlerts(runbook, payloadWith([resolved]));
    assert.equal(plan.firing.length, 0);
    assert.deepEqual(
      plan.resolved.map((entry) => [entry.service.id, entry.endsAt]),
      [['genai-api', '2026-12-04T10:30:00Z']],
    );
  });

  it('keeps a service firing while one of its alerts still fires', () => {
    const resolved = { ...alert, status: 'resolved', fingerprint: 'other', endsAt: '2026-12-04T10:30:00Z' };
    const plan = planAlerts(runbook, payloadWith([resolved, alert]));
    assert.equal(plan.firing.length, 1);
    assert.equal(plan.resolved.length, 0);
  });

  it('rejects an alert of an unknown service', () => {
    const unknown = { ...alert, labels: { alertname: 'X', service: 'payments' } };
    assert.throws(
      () => planAlerts(runbook, payloadWith([alert, unknown])),
      (error: Error) => {
        assert.ok(error instanceof UnroutableAlertError);
        assert.match(error.message, /alerts\[1\]/);
        assert.match(error.message, /payments/);
        assert.match(error.message, /"service":"genai-api"/);
        return true;
      },
    );
  });

  it('rejects an alert for a watchdog row', () => {
    const etl = { ...alert, labels: { alertname: 'Stuck', service: 'etl-pipeline' } };
    assert.throws(
      () => planAlerts(runbook, payloadWith([etl])),
      /come from its airflow-watchdog, not from Alertmanager/,
    );
  });

  it('rejects an oversized label value', () => {
    const huge = { ...alert, labels: { ...alert.labels, pod: 'x'.repeat(5000) } };
    const result = alertmanagerPayloadSchema.safeParse({ ...fixture, alerts: [huge] });
    assert.equal(result.success, false);
  });

  it('rejects an endsAt that is no timestamp', () => {
    const resolved = { ...alert, status: 'resolved', endsAt: 'garbage\n[verify] fake' };
    const result = alertmanagerPayloadSchema.safeParse({ ...fixture, alerts: [resolved] });
    assert.equal(result.success, false);
  });

  it('rejects an alert without the routing labels', () => {
    const unlabeled = { ...alert, labels: { alertname: 'SloBreachGenaiApi' } };
    assert.throws(() => planAlerts(runbook, payloadWith([unlabeled])), UnroutableAlertError);
  });
});

describe('remediation ids', () => {
  it('names the workflow after the service', () => {
    assert.equal(remediationWorkflowId('genai-api'), 'slo-remediation-genai-api');
  });

  it('derives the incident id from the alert start', () => {
    assert.equal(incidentIdFor('genai-api', '2026-12-04T10:15:00.123Z'), 'genai-api-20261204T101500Z');
    assert.equal(incidentIdFor('genai-api', '2026-12-04T11:15:00+01:00'), 'genai-api-20261204T101500Z');
  });
});

describe('isLoopbackHost', () => {
  it('accepts loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) assert.equal(isLoopbackHost(host), true, host);
  });

  it('rejects names that only look like loopback', () => {
    for (const host of ['127.evil.example', '0.0.0.0', '10.0.0.1', '::'])
      assert.equal(isLoopbackHost(host), false, host);
  });
});
