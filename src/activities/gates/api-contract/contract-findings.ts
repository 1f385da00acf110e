import type { Finding, Severity } from '../../../gates/contracts';
import { clip } from '../gate-outcome';
import type { JUnitProblem, JUnitTestCase } from '../junit-xml';

/** One failed check of a Schemathesis test case, such as `- ST108 Response violates schema`. */
const CHECK_LINE = /^- (ST\d{3}) (.+)$/;

/**
 * Severity by Schemathesis failure code (`st explain --list`, Schemathesis 4.32). Server errors and responses
 * that violate the document (ST1xx) are high. Request handling (ST2xx) and stateful behavior (ST3xx) are medium.
 * The gate blocks on any of them.
 */
function severityOf(code: string): Severity {
  return code.startsWith('ST1') ? 'high' : 'medium';
}

function failureFindings(operation: string, problem: JUnitProblem): Finding[] {
  const checks = problem.text
    .split('\n')
    .map((line) => CHECK_LINE.exec(line.trim()))
    .filter((match): match is RegExpExecArray => match !== null);
  const caseId = /Test Case ID: (\S+)/.exec(problem.text)?.[1];
  const detail = clip(problem.text, 3000);
  if (checks.length === 0) {
    const code = problem.message ?? 'unknown';
    return [
      {
        gate: 'api-contract',
        severity: 'high',
        title: `Check ${code} failed`,
        location: operation,
        detail,
        ruleId: code,
      },
    ];
  }
  return checks.map(([, code, title]) => ({
    gate: 'api-contract' as const,
    severity: severityOf(code!),
    title: title!,
    location: caseId ? `${operation} (test case ${caseId})` : operation,
    detail,
    ruleId: code,
  }));
}

function errorFinding(operation: string, problem: JUnitProblem): Finding {
  const [title] = problem.text.split('\n');
  return {
    gate: 'api-contract',
    severity: 'high',
    title: `Schemathesis could not test the operation: ${title || 'error'}`,
    location: operation,
    detail: clip(problem.text, 3000),
    ruleId: problem.type,
  };
}

/** Converts the test cases of Schemathesis's JUnit report (one per API operation) into findings. */
export function contractFindings(testCases: JUnitTestCase[]): { failures: Finding[]; errors: Finding[] } {
  const failures: Finding[] = [];
  const errors: Finding[] = [];
  for (const testCase of testCases) {
    for (const problem of testCase.problems) {
      if (problem.kind === 'failure') failures.push(...failureFindings(testCase.name, problem));
      else errors.push(errorFinding(testCase.name, problem));
    }
  }
  // Schemathesis repeats a network error once per phase and test case; one finding per operation and cause is enough.
  const unique = new Map(errors.map((finding) => [`${finding.location} ${finding.title}`, finding]));
  return { failures, errors: [...unique.values()] };
}
