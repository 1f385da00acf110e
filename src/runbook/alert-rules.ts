import { stringify } from 'yaml';
import { formatPrometheusDuration } from './duration';
import type { ServiceRunbook } from './schema';

/** One Prometheus alerting rule, in the field names of a rule file. */
export interface AlertingRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  /** Evaluation interval of the group; Prometheus uses its global evaluation_interval when unset. */
  interval?: string;
  rules: AlertingRule[];
}

/** Label value the generated rules set as `severity`, unless the row's alert labels set their own. */
export const PAGE_SEVERITY = 'page';

/** Names the alert of a runbook row, such as `SloBreachGenaiApi` for the id `genai-api`. */
export function alertNameFor(row: ServiceRunbook): string {
  const words = row.id.split('-').filter((word) => word !== '');
  return `SloBreach${words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join('')}`;
}

/**
 * Escapes text for an annotation, which Prometheus expands as a Go template: a `{{` in a service name
 * would otherwise start an action and fail the rule.
 */
function escapeTemplateText(text: string): string {
  return text.replaceAll('{{', '{{ "{{" }}');
}

/** A runbook row whose alert comes from a Prometheus alerting rule. */
export type PrometheusRow = ServiceRunbook & {
  slo: { indicator: Extract<ServiceRunbook['slo']['indicator'], { type: 'prometheus' }> };
  trigger: Extract<ServiceRunbook['trigger'], { source: 'prometheus-alert' }>;
};

/** Returns true for rows that Prometheus alerts on; rows with a watchdog trigger get no rule. */
export function isPrometheusRow(row: ServiceRunbook): row is PrometheusRow {
  return row.slo.indicator.type === 'prometheus' && row.trigger.source === 'prometheus-alert';
}

/** Builds the alerting rule that fires once the row's indicator has stayed above its threshold for `trigger.for`. */
export function buildAlertRule(row: PrometheusRow): AlertingRule {
  const indicator = row.slo.indicator;
  const query = indicator.query.replaceAll('$window', formatPrometheusDuration(row.trigger.ruleWindow));
  const forText = formatPrometheusDuration(row.trigger.for);
  const name = escapeTemplateText(row.name);
  const objective = escapeTemplateText(row.slo.objective);
  return {
    alert: alertNameFor(row),
    // Brackets keep the comparison applying to the whole query, whatever operators it contains.
    expr: `(${query}) > ${indicator.threshold}`,
    for: forText,
    // The row's labels come last so that a row's own `severity` wins; the webhook matches rows by these labels.
    labels: { severity: PAGE_SEVERITY, ...row.alertLabels },
    annotations: {
      summary: `${name} breaches its SLO: ${objective}`,
      description:
        `The indicator of ${name} is {{ $value | humanize }} ${indicator.unit}, above the threshold ` +
        `${indicator.threshold} ${indicator.unit} for at least ${forText}. SLO: ${objective}.`,
    },
  };
}

/** Builds the rule group of one runbook row, named `slo-<id>`. */
export function buildAlertRuleGroup(row: PrometheusRow, intervalMs?: number): RuleGroup {
  const group: RuleGroup = { name: `slo-${row.id}`, rules: [buildAlertRule(row)] };
  if (intervalMs !== undefined) group.interval = formatPrometheusDuration(intervalMs);
  return group;
}

/** Renders a Prometheus rule file with one group per runbook row that Prometheus alerts on. */
export function renderAlertRulesYaml(rows: ServiceRunbook[], intervalMs?: number): string {
  const groups = rows.filter(isPrometheusRow).map((row) => buildAlertRuleGroup(row, intervalMs));
  return stringify({ groups }, { lineWidth: 0 });
}
