import type { Finding, GateVerdict, PipelineVerdict } from '../gates/contracts';

const SEVERITY_ORDER: Finding['severity'][] = ['critical', 'high', 'medium', 'low', 'info'];

function seconds(durationMs: number): string {
  return `${(durationMs / 1000).toFixed(1)} s`;
}

function gateLine(verdict: GateVerdict): string {
  return `  ${verdict.gate.padEnd(20)} ${verdict.status.toUpperCase().padEnd(6)} ${verdict.summary} (${seconds(verdict.durationMs)})`;
}

function findingLines(finding: Finding): string[] {
  const where = finding.location ? `  ${finding.location}` : '';
  const rule = finding.ruleId ? `  [${finding.ruleId}]` : '';
  const lines = [`  ${finding.severity.toUpperCase().padEnd(8)} ${finding.gate}: ${finding.title}${where}${rule}`];
  if (finding.detail) lines.push(...finding.detail.split('\n').map((line) => `             ${line}`));
  return lines;
}

/** Formats a pipeline verdict for a terminal: one line per gate, then every finding, most severe first. */
export function formatPipelineVerdict(workflowId: string, verdict: PipelineVerdict): string[] {
  const findings = verdict.verdicts
    .flatMap((gate) => gate.findings)
    .sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
  const lines = [`Pipeline ${workflowId}: ${verdict.status.toUpperCase()}`, ...verdict.verdicts.map(gateLine)];
  lines.push('', findings.length === 0 ? 'No findings.' : `Findings (${findings.length}):`);
  for (const finding of findings) lines.push(...findingLines(finding));
  return lines;
}

/** Exit code of run-gates for a pipeline status: 0 pass, 1 block, 2 error. */
export function exitCodeFor(verdict: PipelineVerdict): number {
  if (verdict.status === 'pass') return 0;
  if (verdict.status === 'block') return 1;
  return 2;
}
