import type { IncidentRecord } from '../contracts';

/**
 * Escapes text for a Markdown table cell, because `|` would end the cell, a line break the row, and `<` and `>` could
 * start HTML in renderers that allow it.
 */
export function escapeCell(text: string): string {
  return text
    .replaceAll('\\', '\\\\')
    .replaceAll('|', '\\|')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replace(/\r?\n/g, '<br>');
}

/** Percent-encodes the characters that would end a Markdown link target early. */
function linkTarget(url: string): string {
  return url.replaceAll(' ', '%20').replaceAll('(', '%28').replaceAll(')', '%29');
}

/** Renders the incident record as Markdown: a summary table, then the timeline as a table, oldest first. */
export function renderIncidentMarkdown(record: IncidentRecord): string {
  const summary: [string, string][] = [
    ['Service', `${escapeCell(record.serviceName)} (\`${escapeCell(record.serviceId)}\`)`],
    ['Objective', escapeCell(record.objective)],
    ['Status', escapeCell(record.status)],
    ['Opened', escapeCell(record.openedAt)],
  ];
  if (record.closedAt !== undefined) summary.push(['Closed', escapeCell(record.closedAt)]);
  summary.push(['Remediation run', `[Temporal run](${linkTarget(record.runUrl)})`]);
  if (record.ticketUrl !== undefined) summary.push(['Ticket', `[Ticket](${linkTarget(record.ticketUrl)})`]);

  const lines = [
    `# Incident ${escapeCell(record.incidentId)}: ${escapeCell(record.serviceName)}`,
    '',
    '| Field | Value |',
    '| --- | --- |',
    ...summary.map(([field, value]) => `| ${field} | ${value} |`),
    '',
    '## Timeline',
    '',
  ];
  if (record.timeline.length === 0) {
    lines.push('No events recorded.');
  } else {
    lines.push('| Time | Phase | Event |', '| --- | --- | --- |');
    for (const event of record.timeline) {
      lines.push(`| ${escapeCell(event.at)} | ${escapeCell(event.phase)} | ${escapeCell(event.event)} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
