import type { Finding, GateStatus } from '../../gates/contracts';

/** What a gate activity returns; the gate workflow adds the gate name and the wall time to make a GateVerdict. */
export interface GateOutcome {
  status: GateStatus;
  summary: string;
  findings: Finding[];
}

/** Cuts `text` to `maxChars` characters, marking the cut, so tool output cannot bloat workflow histories. */
export function clip(text: string, maxChars = 2000): string {
  return text.length > maxChars ? `${text.slice(0, maxChars)}… (${text.length - maxChars} more characters)` : text;
}

/** Removes ANSI color and cursor sequences that test runners put into failure messages. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '');
}
