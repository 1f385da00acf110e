import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HttpStub, type RecordedRequest, type StubResponse } from '../../activities/http-stub';

const FIXTURES = join(__dirname, '../../fixtures/github');

function fixture(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as Record<string, unknown>;
}

export interface PostedStatus {
  repository: string;
  sha: string;
  state: string;
  context: string;
  description?: string;
  target_url?: string;
}

export interface GitHubStandInOptions {
  token: string;
  /** Every call fails: the primary rate limit is used up, or HTTP 500. */
  failure?: 'rate-limit' | 'http500';
}

const STATES = ['error', 'failure', 'pending', 'success'];

/**
 * GitHub's "Create a commit status" endpoint on 127.0.0.1: checks the bearer token, validates the body as
 * GitHub does (state, description of at most 140 characters) and responds 201 with the documented status shape.
 */
export class GitHubStandIn {
  readonly statuses: PostedStatus[] = [];

  private constructor(
    readonly stub: HttpStub,
    readonly options: GitHubStandInOptions,
  ) {}

  static async start(options: GitHubStandInOptions): Promise<GitHubStandIn> {
    let standIn: GitHubStandIn | undefined;
    const stub = await HttpStub.start((request) => standIn!.respond(request));
    standIn = new GitHubStandIn(stub, options);
    return standIn;
  }

  get baseUrl(): string {
    return this.stub.baseUrl;
  }

  /** Returns the newest status per context, as GitHub shows them on the commit. */
  latestByContext(): Record<string, PostedStatus> {
    return Object.fromEntries(this.statuses.map((status) => [status.context, status]));
  }

  close(): Promise<void> {
    return this.stub.close();
  }

  private respond(request: RecordedRequest): StubResponse {
    if (this.options.failure === 'http500') return { status: 500, body: { message: 'Server Error' } };
    if (this.options.failure === 'rate-limit') {
      const reset = String(Math.ceil(Date.now() / 1000) + 1);
      return {
        status: 403,
        headers: { 'content-type': 'application/json', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
        body: { message: 'API rate limit exceeded for installation ID 1.' },
      };
    }
    if (request.headers.authorization !== `Bearer ${this.options.token}`) {
      return { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } };
    }
    const match = /^\/repos\/([^/]+)\/([^/]+)\/statuses\/([0-9a-f]{40})$/.exec(request.url);
    if (request.method !== 'POST' || !match) return { status: 404, body: { message: 'Not Found' } };
    const body = JSON.parse(request.body) as Omit<PostedStatus, 'repository' | 'sha'>;
    if (!STATES.includes(body.state) || (body.description ?? '').length > 140) {
      return { status: 422, body: fixture('validation-failed.json') };
    }
    this.statuses.push({ repository: `${match[1]}/${match[2]}`, sha: match[3]!, ...body });
    return {
      status: 201,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: {
        ...fixture('commit-status-created.json'),
        id: this.statuses.length,
        state: body.state,
        context: body.context,
        description: body.description ?? null,
        target_url: body.target_url ?? null,
      },
    };
  }
}
