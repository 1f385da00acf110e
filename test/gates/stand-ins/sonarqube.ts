import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HttpStub, type RecordedRequest, type StubResponse } from '../../activities/http-stub';

const FIXTURES = join(__dirname, '../../fixtures/sonarqube');

export type SonarQubeRelease = '9.9' | '10.8';

export interface SonarQubeStandInOptions {
  release: SonarQubeRelease;
  token: string;
  authScheme: 'bearer' | 'basic';
  /** Reads of the analysis task that return IN_PROGRESS before its final state. */
  pendingReads?: number;
  /** Final state of the analysis task; `never` keeps it IN_PROGRESS. */
  task?: 'success' | 'failed' | 'canceled' | 'never';
  qualityGate?: 'ok' | 'error';
  /** Issue store fixture. Default issues.json, which has new critical issues; issues-clean.json has none. */
  issues?: 'issues.json' | 'issues-clean.json';
  /** Extra new BLOCKER issues, copies of the first fixture issue, to make the search page. */
  extraBlockerIssues?: number;
  /** Every API call fails: HTTP 500, or 200 with a body that is not JSON. */
  failure?: 'http500' | 'garbage';
}

/** Issues created on or after this date are new code, as the analysis period of the fixtures sets. */
const NEW_CODE_START: Record<SonarQubeRelease, string> = {
  '9.9': '2023-07-01T08:00:00+0000',
  '10.8': '2024-11-20T08:00:00+0000',
};

const IMPACT_SEVERITIES = ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'BLOCKER'];

interface StoredIssue {
  key: string;
  component: string;
  severity?: string;
  resolution?: string;
  creationDate: string;
  impacts?: { softwareQuality: string; severity: string }[];
}

export function readFixture(release: SonarQubeRelease, file: string): unknown {
  const text = readFileSync(join(FIXTURES, release, file), 'utf8');
  return file.endsWith('.json') ? JSON.parse(text) : text.trim();
}

function errors(status: number, message: string): StubResponse {
  return { status, body: { errors: [{ msg: message }] } };
}

/** Parses `+0000` offsets, which Date.parse does not read in every runtime. */
function parseSonarDate(date: string): number {
  return Date.parse(date.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

/**
 * A SonarQube Web API on 127.0.0.1 for one project, serving the fixtures of one release. It checks the token,
 * walks the analysis task from IN_PROGRESS to its final state, and filters and pages the issue search by the
 * parameters the release supports, so a request in another release's dialect gets that release's response.
 */
export class SonarQubeStandIn {
  taskReads = 0;

  private constructor(
    readonly stub: HttpStub,
    readonly options: SonarQubeStandInOptions,
  ) {}

  static async start(options: SonarQubeStandInOptions): Promise<SonarQubeStandIn> {
    let standIn: SonarQubeStandIn | undefined;
    const stub = await HttpStub.start((request) => standIn!.respond(request));
    standIn = new SonarQubeStandIn(stub, options);
    return standIn;
  }

  get baseUrl(): string {
    return this.stub.baseUrl;
  }

  /** The successful task fixture, whose id and analysis id tests pass in. */
  get task(): { id: string; analysisId: string } {
    return (readFixture(this.options.release, 'ce-task-success.json') as { task: { id: string; analysisId: string } })
      .task;
  }

  /** Query parameters of the recorded requests to `path`. */
  paramsOf(path: string): URLSearchParams[] {
    return this.stub.requests
      .map((request) => new URL(request.url, 'http://stand-in'))
      .filter((url) => url.pathname === path)
      .map((url) => url.searchParams);
  }

  close(): Promise<void> {
    return this.stub.close();
  }

  private authorized(request: RecordedRequest): boolean {
    const expected =
      this.options.authScheme === 'bearer'
        ? `Bearer ${this.options.token}`
        : `Basic ${Buffer.from(`${this.options.token}:`).toString('base64')}`;
    return request.headers.authorization === expected;
  }

  private respond(request: RecordedRequest): StubResponse {
    if (this.options.failure === 'http500') return { status: 500, body: 'Internal Server Error' };
    if (this.options.failure === 'garbage') return { status: 200, body: '<html>proxy error</html>' };
    if (!this.authorized(request)) return { status: 401, body: '' };
    const url = new URL(request.url, 'http://stand-in');
    const params = url.searchParams;
    switch (url.pathname) {
      case '/api/server/version':
        return { status: 200, body: readFixture(this.options.release, 'version.txt') as string };
      case '/api/ce/task':
        return this.ceTask(params.get('id'));
      case '/api/qualitygates/project_status':
        return this.projectStatus(params.get('analysisId'));
      case '/api/issues/search':
        return this.searchIssues(params);
      default:
        return errors(404, `Unknown url : ${url.pathname}`);
    }
  }

  private ceTask(id: string | null): StubResponse {
    if (id !== this.task.id) return errors(404, `No activity found for task '${id}'`);
    this.taskReads += 1;
    const final = this.options.task ?? 'success';
    const release = this.options.release;
    const inProgress = readFixture('9.9', 'ce-task-in-progress.json') as { task: Record<string, unknown> };
    if (final === 'never' || this.taskReads <= (this.options.pendingReads ?? 0)) {
      return { status: 200, body: { task: { ...inProgress.task, id } } };
    }
    if (final === 'failed') return { status: 200, body: readFixture('9.9', 'ce-task-failed.json') };
    if (final === 'canceled') return { status: 200, body: readFixture('10.8', 'ce-task-canceled.json') };
    return { status: 200, body: readFixture(release, 'ce-task-success.json') };
  }

  private projectStatus(analysisId: string | null): StubResponse {
    if (analysisId !== this.task.analysisId) return errors(404, `Analysis with id '${analysisId}' is not found`);
    const file = this.options.qualityGate === 'error' ? 'project-status-error.json' : 'project-status-ok.json';
    return { status: 200, body: readFixture(this.options.release, file) };
  }

  private issueStore(): StoredIssue[] {
    const issues = readFixture(this.options.release, this.options.issues ?? 'issues.json') as StoredIssue[];
    const extra = Array.from({ length: this.options.extraBlockerIssues ?? 0 }, (_, index) => ({
      ...(readFixture(this.options.release, 'issues.json') as StoredIssue[])[0]!,
      key: `extra-${index}`,
    }));
    return [...issues, ...extra];
  }

  private matches(issue: StoredIssue, params: URLSearchParams): boolean | StubResponse {
    const modern = this.options.release !== '9.9';
    // 10.2 renamed componentKeys to components and kept the old name as a deprecated key; 9.9 has only the old.
    const component = (modern ? params.get('components') : null) ?? params.get('componentKeys');
    if (component && !issue.component.startsWith(`${component}:`)) return false;
    const severities = params.get('severities')?.split(',');
    if (severities && !severities.includes(issue.severity ?? '')) return false;
    const impactSeverities = modern ? params.get('impactSeverities')?.split(',') : undefined;
    if (impactSeverities) {
      const wrong = impactSeverities.find((value) => !IMPACT_SEVERITIES.includes(value));
      if (wrong) {
        return errors(400, `Value of parameter 'impactSeverities' (${wrong}) must be one of: [${IMPACT_SEVERITIES}]`);
      }
      if (!(issue.impacts ?? []).some((impact) => impactSeverities.includes(impact.severity))) return false;
    }
    if (params.get('resolved') === 'false' && issue.resolution) return false;
    const newCodeOnly = params.get('inNewCodePeriod') === 'true' && !params.get('pullRequest');
    if (newCodeOnly && parseSonarDate(issue.creationDate) < parseSonarDate(NEW_CODE_START[this.options.release])) {
      return false;
    }
    return true;
  }

  private searchIssues(params: URLSearchParams): StubResponse {
    const page = Number(params.get('p') ?? '1');
    const pageSize = Number(params.get('ps') ?? '100');
    if (pageSize > 500) return errors(400, `'ps' value (${pageSize}) must be less than 500`);
    if (page * pageSize > 10_000) {
      return errors(400, `Can return only the first 10000 results. ${page * pageSize}th result asked.`);
    }
    const found: StoredIssue[] = [];
    for (const issue of this.issueStore()) {
      const match = this.matches(issue, params);
      if (typeof match === 'object') return match;
      if (match) found.push(issue);
    }
    const paging = { pageIndex: page, pageSize, total: found.length };
    const issues = found.slice((page - 1) * pageSize, page * pageSize);
    const envelope = readFixture(this.options.release, 'search-envelope.json') as Record<string, unknown>;
    const deprecatedPaging = this.options.release === '9.9' ? { total: found.length, p: page, ps: pageSize } : {};
    return { status: 200, body: { ...deprecatedPaging, paging, ...envelope, issues } };
  }
}
