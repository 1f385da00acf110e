import commentFixture from '../fixtures/github/comment.json';
import issueFixture from '../fixtures/github/issue.json';
import { HttpStub, type RecordedRequest, type StubResponse } from './http-stub';

export type StandInIssue = Omit<typeof issueFixture.issue, 'labels'> & {
  labels: { name: string }[];
  pull_request?: unknown;
};
export type StandInComment = typeof commentFixture.comment;

const ISSUES = /^\/repos\/([^/]+)\/([^/]+)\/issues(?:\?(.*))?$/;
const COMMENTS = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments(?:\?(.*))?$/;

function notFound(): StubResponse {
  return {
    status: 404,
    body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' },
  };
}

/** Returns one page of `items` as the REST API pages lists: `per_page` (default 30) and `page` from 1. */
function page<T>(items: T[], query: URLSearchParams): T[] {
  const perPage = Number(query.get('per_page') ?? 30);
  const pageNumber = Number(query.get('page') ?? 1);
  return items.slice((pageNumber - 1) * perPage, pageNumber * perPage);
}

/**
 * A stand-in for GitHub's REST API for issues and issue comments on 127.0.0.1, built from the documented
 * examples: list issues with labels, state, since, sort, direction and paging, create an issue, list and create
 * comments. It checks the bearer token, and with `dropLabels` it drops labels as GitHub does for a token
 * without push access.
 */
export class GitHubStandIn {
  readonly issues: StandInIssue[] = [];
  readonly comments = new Map<number, StandInComment[]>();
  /** When set and it returns a response, that response replaces the stand-in's own handling of the request. */
  override: ((request: RecordedRequest) => StubResponse | undefined) | undefined;
  /** Create issues without their labels, as GitHub does when the token has no push access. */
  dropLabels = false;
  private nextNumber = 1;
  private nextCommentId = 1;

  private constructor(
    readonly stub: HttpStub,
    readonly token: string,
    readonly repository: string,
  ) {}

  static async start(token: string, repository: string): Promise<GitHubStandIn> {
    let standIn: GitHubStandIn | undefined;
    const stub = await HttpStub.start((request) => standIn!.respond(request));
    standIn = new GitHubStandIn(stub, token, repository);
    return standIn;
  }

  get apiUrl(): string {
    return this.stub.baseUrl;
  }

  /** Requests with this method whose path (without the query) ends with `suffix`. */
  requestsTo(method: string, suffix: string): RecordedRequest[] {
    return this.stub.requests.filter(
      (request) => request.method === method && request.url.split('?')[0]!.endsWith(suffix),
    );
  }

  reset(): void {
    this.stub.requests.length = 0;
    this.issues.length = 0;
    this.comments.clear();
    this.override = undefined;
    this.dropLabels = false;
  }

  /** Adds an issue, as if a person or an earlier run had opened it. */
  addIssue(fields: Partial<StandInIssue>): StandInIssue {
    const number = this.nextNumber++;
    const now = new Date().toISOString();
    const issue: StandInIssue = {
      ...structuredClone(issueFixture.issue),
      id: number,
      number,
      html_url: `https://github.com/${this.repository}/issues/${number}`,
      url: `https://api.github.com/repos/${this.repository}/issues/${number}`,
      created_at: now,
      updated_at: now,
      ...fields,
    };
    this.issues.push(issue);
    return issue;
  }

  /** Adds comments to an issue, such as earlier comments by people. */
  addComment(issueNumber: number, body: string): StandInComment {
    const comment = { ...structuredClone(commentFixture.comment), id: this.nextCommentId++, body };
    this.comments.set(issueNumber, [...(this.comments.get(issueNumber) ?? []), comment]);
    return comment;
  }

  async close(): Promise<void> {
    await this.stub.close();
  }

  private respond(request: RecordedRequest): StubResponse {
    const overridden = this.override?.(request);
    if (overridden) return overridden;
    if (request.headers.authorization !== `Bearer ${this.token}`) {
      return { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } };
    }
    const issues = ISSUES.exec(request.url);
    if (issues) return this.handleIssues(request, `${issues[1]}/${issues[2]}`, new URLSearchParams(issues[3] ?? ''));
    const comments = COMMENTS.exec(request.url);
    if (comments) {
      const query = new URLSearchParams(comments[4] ?? '');
      return this.handleComments(request, `${comments[1]}/${comments[2]}`, Number(comments[3]), query);
    }
    return notFound();
  }

  private handleIssues(request: RecordedRequest, repository: string, query: URLSearchParams): StubResponse {
    if (repository !== this.repository) return notFound();
    if (request.method === 'POST') return this.createIssue(JSON.parse(request.body));
    const labels = (query.get('labels') ?? '').split(',').filter(Boolean);
    const since = query.get('since');
    const state = query.get('state') ?? 'open';
    let matching = this.issues.filter(
      (issue) =>
        labels.every((label) => issue.labels.some((candidate) => candidate.name === label)) &&
        (state === 'all' || issue.state === state) &&
        (since === null || issue.updated_at >= since),
    );
    matching = matching.sort((a, b) => b.number - a.number);
    if (query.get('direction') === 'asc') matching.reverse();
    return { status: 200, body: page(matching, query) };
  }

  private createIssue(body: { title?: unknown; body?: string; labels?: string[] }): StubResponse {
    if (typeof body.title !== 'string' || body.title === '') {
      return {
        status: 422,
        body: {
          message: 'Validation Failed',
          errors: [{ resource: 'Issue', code: 'missing_field', field: 'title' }],
          documentation_url: 'https://docs.github.com/rest/issues/issues#create-an-issue',
        },
      };
    }
    const labels = this.dropLabels ? [] : (body.labels ?? []).map((name) => ({ name }));
    const issue = this.addIssue({ title: body.title, body: body.body ?? '', labels });
    return { status: 201, body: issue };
  }

  private handleComments(
    request: RecordedRequest,
    repository: string,
    issueNumber: number,
    query: URLSearchParams,
  ): StubResponse {
    if (repository !== this.repository || !this.issues.some((issue) => issue.number === issueNumber)) {
      return notFound();
    }
    if (request.method === 'POST') {
      const comment = this.addComment(issueNumber, (JSON.parse(request.body) as { body: string }).body);
      return { status: 201, body: comment };
    }
    return { status: 200, body: page(this.comments.get(issueNumber) ?? [], query) };
  }
}
