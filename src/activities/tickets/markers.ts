import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../failure-types';

/** GitHub rejects label names longer than this. */
export const MAX_LABEL_LENGTH = 50;

/** Incident ids and comment keys go into HTML comments and label filters, so they are limited to these characters. */
const SAFE_TEXT = /^[A-Za-z0-9._:-]{1,200}$/;

/** Throws InvalidRequest unless `value` is safe inside a marker comment and a label filter. */
export function checkMarkerText(name: string, value: string): void {
  if (!SAFE_TEXT.test(value)) {
    throw ApplicationFailure.nonRetryable(
      `${name} ${JSON.stringify(value.slice(0, 100))} is invalid: use 1 to 200 letters, digits, dots, ` +
        'underscores, colons and dashes',
      FailureType.InvalidRequest,
    );
  }
}

/**
 * Label that marks the incident's issue, `incident:<incidentId>`. An id too long for a label is replaced by the
 * start of its SHA-256, which keeps the label unique per incident.
 */
export function incidentLabel(incidentId: string): string {
  const label = `incident:${incidentId}`;
  if (label.length <= MAX_LABEL_LENGTH) return label;
  return `incident:${createHash('sha256').update(incidentId).digest('hex').slice(0, 32)}`;
}

/** Hidden marker at the end of the issue body, which finds the issue when GitHub dropped its labels. */
export function issueMarker(incidentId: string): string {
  return `<!-- slo-autopilot incident: ${incidentId} -->`;
}

/** Hidden marker at the end of a comment, which makes a repeated comment with the same key a no-op. */
export function commentMarker(incidentId: string, commentKey: string): string {
  return `<!-- slo-autopilot incident: ${incidentId} comment: ${commentKey} -->`;
}

/** Maximum length of an issue or comment body that GitHub accepts. */
export const MAX_BODY_LENGTH = 65_536;

/** Appends the marker to the body, cutting the body so that both fit in MAX_BODY_LENGTH. */
export function withMarker(body: string, marker: string): string {
  const suffix = `\n\n${marker}`;
  const room = MAX_BODY_LENGTH - suffix.length;
  const fitted = body.length <= room ? body : `${body.slice(0, room - 1)}…`;
  return `${fitted}${suffix}`;
}
