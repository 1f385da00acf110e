import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HttpStub, type RecordedRequest, type StubResponse } from '../../activities/http-stub';

const FIXTURES = join(__dirname, '../../fixtures/zap');

export interface ZapStandInOptions {
  apiKey: string;
  /** Alert fixture file. Default alerts.json. */
  alerts?: 'alerts.json' | 'alerts-clean.json';
  /** Extra Low alerts, copies of the fixture's Low alert, to make the alert list page. */
  extraLowAlerts?: number;
  /** Progress added per status read of a scan, in percent. Default 50. */
  progressStep?: number;
  /** The active scan stays at 42 % forever. */
  scanNeverFinishes?: boolean;
  /** Every API call fails: HTTP 500 with ZAP's internal_error body, or 200 with a body that is not JSON. */
  failure?: 'http500' | 'garbage';
}

type Scanner = 'spider' | 'ascan';

interface Scan {
  url: string;
  progress: number;
  stopped: boolean;
}

const errors = JSON.parse(readFileSync(join(FIXTURES, 'errors.json'), 'utf8')) as Record<string, unknown>;

function zapError(code: string, status = 400): StubResponse {
  return { status, body: errors[code] };
}

/**
 * A ZAP daemon's JSON API on 127.0.0.1: spider and active scans whose progress grows with each status read,
 * stop actions, and the alerts of a fixture under the scanned URL, paged with `start` and `count`. It checks the
 * `X-ZAP-API-Key` header and responds to a wrong key with ZAP's bad_api_key error, as `api.reportpermerrors` does.
 */
export class ZapStandIn {
  readonly scans: Record<Scanner, Scan[]> = { spider: [], ascan: [] };

  private constructor(
    readonly stub: HttpStub,
    readonly options: ZapStandInOptions,
  ) {}

  static async start(options: ZapStandInOptions): Promise<ZapStandIn> {
    let standIn: ZapStandIn | undefined;
    const stub = await HttpStub.start((request) => standIn!.respond(request));
    standIn = new ZapStandIn(stub, options);
    return standIn;
  }

  get baseUrl(): string {
    return this.stub.baseUrl;
  }

  /** Paths of the recorded requests, such as `/JSON/ascan/action/stop/`. */
  paths(): string[] {
    return this.stub.requests.map((request) => new URL(request.url, 'http://stand-in').pathname);
  }

  paramsOf(path: string): URLSearchParams[] {
    return this.stub.requests
      .map((request) => new URL(request.url, 'http://stand-in'))
      .filter((url) => url.pathname === path)
      .map((url) => url.searchParams);
  }

  close(): Promise<void> {
    return this.stub.close();
  }

  private respond(request: RecordedRequest): StubResponse {
    if (this.options.failure === 'http500') return zapError('internal_error', 500);
    if (this.options.failure === 'garbage') return { status: 200, body: 'ZAP is starting, try again later' };
    if (request.headers['x-zap-api-key'] !== this.options.apiKey) return zapError('bad_api_key');
    const url = new URL(request.url, 'http://stand-in');
    const match = /^\/JSON\/(\w+)\/(view|action)\/(\w+)\/$/.exec(url.pathname);
    if (!match) return zapError('bad_view');
    const [, component, , name] = match;
    const params = url.searchParams;
    if (component === 'core' && name === 'alerts') return this.alerts(params);
    if (component !== 'spider' && component !== 'ascan') return zapError('no_implementor');
    if (name === 'scan') return this.startScan(component, params.get('url'));
    if (name === 'status') return this.status(component, params.get('scanId'));
    if (name === 'stop') return this.stop(component, params.get('scanId'));
    return zapError('bad_action');
  }

  private startScan(scanner: Scanner, url: string | null): StubResponse {
    if (!url) return zapError('missing_parameter');
    // ZAP scans only URLs in its sites tree, which the spider fills.
    if (scanner === 'ascan' && !this.scans.spider.some((scan) => url.startsWith(scan.url))) {
      return zapError('url_not_found');
    }
    this.scans[scanner].push({ url, progress: 0, stopped: false });
    return { status: 200, body: { scan: String(this.scans[scanner].length - 1) } };
  }

  private scanOf(scanner: Scanner, scanId: string | null): Scan | undefined {
    return scanId === null ? undefined : this.scans[scanner][Number(scanId)];
  }

  private status(scanner: Scanner, scanId: string | null): StubResponse {
    const scan = this.scanOf(scanner, scanId);
    if (!scan) return zapError('does_not_exist');
    if (!scan.stopped) {
      const hang = scanner === 'ascan' && this.options.scanNeverFinishes;
      scan.progress = hang ? 42 : Math.min(100, scan.progress + (this.options.progressStep ?? 50));
    }
    return { status: 200, body: { status: String(scan.progress) } };
  }

  private stop(scanner: Scanner, scanId: string | null): StubResponse {
    const scan = this.scanOf(scanner, scanId);
    if (!scan) return zapError('does_not_exist');
    scan.stopped = true;
    return { status: 200, body: { Result: 'OK' } };
  }

  private alertList(target: string): Record<string, string>[] {
    const file = this.options.alerts ?? 'alerts.json';
    const text = readFileSync(join(FIXTURES, file), 'utf8').replaceAll('{{target}}', target);
    const alerts = (JSON.parse(text) as { alerts: Record<string, string>[] }).alerts;
    const low = alerts.find((alert) => alert.risk === 'Low')!;
    const extra = Array.from({ length: this.options.extraLowAlerts ?? 0 }, (_, index) => ({
      ...low,
      id: String(1000 + index),
      url: `${target}/page-${index}`,
    }));
    return [...alerts, ...extra];
  }

  private alerts(params: URLSearchParams): StubResponse {
    const baseurl = params.get('baseurl') ?? '';
    const start = Number(params.get('start') ?? '0');
    const count = Number(params.get('count') ?? '0');
    const scanned = this.scans.spider.find((scan) => baseurl.startsWith(scan.url))?.url ?? baseurl;
    const alerts = this.alertList(scanned).filter((alert) => alert.url!.startsWith(baseurl));
    const page = count > 0 ? alerts.slice(start, start + count) : alerts.slice(start);
    return { status: 200, body: { alerts: page } };
  }
}
