import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  constants,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { findFreePort } from './free-port';
import { ProcessGroup } from './process-group';
import { killRemaining, listProcessTree, type ProcessIdentity } from './process-tree';

/** Airflow release that scripts/install-airflow.sh installs; the two must name the same version. */
export const AIRFLOW_VERSION = '3.3.2';

const SIMPLE_AUTH_MANAGER = 'airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager';

/** Virtual environment of scripts/install-airflow.sh: `AIRFLOW_VENV`, else the versioned folder in the tools cache. */
export function defaultAirflowVenv(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AIRFLOW_VENV) return env.AIRFLOW_VENV;
  const cache = env.SRE_TOOLS_CACHE ?? join(homedir(), '.cache', 'sre-tools');
  return join(cache, `airflow-${AIRFLOW_VERSION}`);
}

/** Returns whether the virtual environment has an executable `bin/airflow`. */
export function hasAirflow(venvDir: string): boolean {
  try {
    accessSync(join(venvDir, 'bin', 'airflow'), constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface AirflowServerOptions {
  /** Folder for AIRFLOW_HOME, the SQLite database, the password file and the logs; one server per folder. */
  stateDir: string;
  /** Folder Airflow parses DAG files from. */
  dagsFolder: string;
  /** User of the simple auth manager, with the admin role. */
  username: string;
  password: string;
  /** DAG ids that must be parsed before start() resolves. */
  waitForDags?: string[];
  /** Task slots of the LocalExecutor, and so the number of forked worker processes. Default 2. */
  parallelism?: number;
  /** Fixed API port on 127.0.0.1; a free one is chosen when unset. */
  port?: number;
  /** Virtual environment with Airflow; default defaultAirflowVenv(). */
  venvDir?: string;
  /** Time allowed for the database, the API and the DAGs to be ready, in ms. Default 180000. */
  startTimeoutMs?: number;
}

/**
 * Returns the secret stored in `stateDir/name`, creating it first. A Fernet key must survive restarts on the
 * same state folder, because Airflow encrypts Variables and Connections with it.
 */
function readOrCreateSecret(stateDir: string, name: string, create: () => string): string {
  const file = join(stateDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8');
  const secret = create();
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/**
 * Builds the environment of every Airflow process, creating the state folder's Fernet key on first use. Every
 * setting is made here, and inherited AIRFLOW variables are dropped, so the user's own Airflow config cannot
 * leak in.
 */
export function airflowEnvironment(options: AirflowServerOptions, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('AIRFLOW')) env[key] = value;
  }
  const stateDir = resolve(options.stateDir);
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    ...env,
    AIRFLOW_HOME: join(stateDir, 'home'),
    // Parsing the DAG files would otherwise leave __pycache__ folders in the clone.
    PYTHONDONTWRITEBYTECODE: '1',
    AIRFLOW__CORE__DAGS_FOLDER: resolve(options.dagsFolder),
    AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
    AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION: 'False',
    AIRFLOW__CORE__EXECUTOR: 'LocalExecutor',
    AIRFLOW__CORE__PARALLELISM: String(options.parallelism ?? 2),
    AIRFLOW__CORE__FERNET_KEY: readOrCreateSecret(
      stateDir,
      'fernet-key',
      () => `${randomBytes(32).toString('base64url')}=`,
    ),
    AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: `sqlite:///${join(stateDir, 'airflow.db')}`,
    AIRFLOW__CORE__AUTH_MANAGER: SIMPLE_AUTH_MANAGER,
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS: `${options.username}:admin`,
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE: join(stateDir, 'passwords.json'),
    AIRFLOW__API__HOST: '127.0.0.1',
    AIRFLOW__API__PORT: String(port),
    AIRFLOW__API__WORKERS: '1',
    AIRFLOW__API__BASE_URL: baseUrl,
    // Task processes report to the API server's execution API; its default is localhost:8080.
    AIRFLOW__CORE__EXECUTION_API_SERVER_URL: `${baseUrl}/execution/`,
    // The scheduler signs task tokens and the API server checks them, so both need the same key.
    AIRFLOW__API_AUTH__JWT_SECRET: randomBytes(64).toString('base64url'),
    // Off by default in 3.3.2, set so a changed default cannot open a port or send data elsewhere.
    AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK: 'False',
    AIRFLOW__METRICS__STATSD_ON: 'False',
    AIRFLOW__METRICS__OTEL_ON: 'False',
    AIRFLOW__TRACES__OTEL_ON: 'False',
  };
}

const execFileAsync = promisify(execFile);

/**
 * Creates the SQLite database. `airflow db migrate` takes about 10 s on 2 cores, so the first migration is
 * kept as a template in the virtual environment and later servers copy it.
 */
async function prepareDatabase(venvDir: string, env: NodeJS.ProcessEnv, stateDir: string): Promise<void> {
  const database = join(stateDir, 'airflow.db');
  if (existsSync(database)) return;
  const template = join(venvDir, 'slo-autopilot', 'airflow.db');
  if (!existsSync(template)) {
    try {
      await execFileAsync(join(venvDir, 'bin', 'airflow'), ['db', 'migrate'], { env, maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      const output = (error as { stderr?: string }).stderr ?? '';
      throw new Error(`airflow db migrate failed: ${(error as Error).message}\n${output.slice(-2000)}`);
    }
    mkdirSync(join(venvDir, 'slo-autopilot'), { recursive: true });
    // Copy and rename, so a concurrent start never copies a half-written template.
    const partial = `${template}.${process.pid}.partial`;
    copyFileSync(database, partial);
    renameSync(partial, template);
    return;
  }
  copyFileSync(template, database);
}

interface HealthBody {
  metadatabase?: { status?: string | null };
  scheduler?: { status?: string | null };
  dag_processor?: { status?: string | null };
}

/**
 * An Airflow 3 deployment on 127.0.0.1 for tests: API server, scheduler and DAG processor as separate
 * processes, SQLite and the LocalExecutor. `airflow standalone` is not used: it also starts a triggerer, which
 * the fixture DAGs do not need, and its scheduler serves task logs on port 8793 of every interface.
 */
export class AirflowServer {
  private constructor(
    private readonly processes: ProcessGroup[],
    /** Root URL of the API server, such as http://127.0.0.1:41234. */
    readonly baseUrl: string,
    readonly stateDir: string,
  ) {}

  static async start(options: AirflowServerOptions): Promise<AirflowServer> {
    const venvDir = options.venvDir ?? defaultAirflowVenv();
    if (!hasAirflow(venvDir)) {
      throw new Error(`${venvDir}/bin/airflow not found: run scripts/install-airflow.sh, or set AIRFLOW_VENV`);
    }
    const stateDir = resolve(options.stateDir);
    mkdirSync(join(stateDir, 'home'), { recursive: true });
    // The simple auth manager generates random passwords unless the file already names the user.
    writeFileSync(join(stateDir, 'passwords.json'), JSON.stringify({ [options.username]: options.password }), {
      mode: 0o600,
    });
    const port = options.port ?? (await findFreePort());
    const env = airflowEnvironment(options, port);
    await prepareDatabase(venvDir, env, stateDir);

    const airflow = join(venvDir, 'bin', 'airflow');
    const start = (name: string, args: string[]) =>
      ProcessGroup.start({
        name: `airflow ${name}`,
        command: airflow,
        args,
        env,
        logFile: join(stateDir, `${name}.log`),
      });
    const processes = [
      start('api-server', ['api-server', '--host', '127.0.0.1', '--port', String(port), '--workers', '1']),
      start('scheduler', ['scheduler', '--skip-serve-logs']),
      start('dag-processor', ['dag-processor']),
    ];
    const server = new AirflowServer(processes, `http://127.0.0.1:${port}`, stateDir);
    try {
      await server.waitUntilReady(options);
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  /** Lists the Airflow processes and their children, such as LocalExecutor workers and running tasks. */
  processTree(): ProcessIdentity[] {
    return this.processes.flatMap((process) => (process.pid === undefined ? [] : listProcessTree(process.pid)));
  }

  /**
   * Stops every process group with SIGTERM, then SIGKILL after `graceMs`. Running tasks are then killed by pid,
   * because Airflow 3.3.2 starts each task process in a process group of its own.
   */
  async stop(graceMs = 5000): Promise<void> {
    const tree = this.processTree();
    await Promise.all(this.processes.map((process) => process.stop(graceMs)));
    killRemaining(tree);
  }

  private async waitUntilReady(options: AirflowServerOptions): Promise<void> {
    const deadline = Date.now() + (options.startTimeoutMs ?? 180_000);
    await this.poll(deadline, 'the metadatabase, scheduler and DAG processor to report healthy', async () => {
      const response = await fetch(`${this.baseUrl}/api/v2/monitor/health`, { signal: AbortSignal.timeout(2000) });
      if (!response.ok) return `HTTP ${response.status}`;
      const health = (await response.json()) as HealthBody;
      const unhealthy = (['metadatabase', 'scheduler', 'dag_processor'] as const).filter(
        (component) => health[component]?.status !== 'healthy',
      );
      return unhealthy.length === 0 ? true : `not healthy yet: ${unhealthy.join(', ')}`;
    });
    // Airflow 3.3.2 builds the execution API on its first request, which took 5 s on 2 cores (over 10 s under
    // load) and stalls every other request meanwhile. Without this warm-up, the first task's start request
    // pays that cost and API clients with a 10 s timeout fail.
    await this.poll(deadline, 'the execution API', async () => {
      const response = await fetch(`${this.baseUrl}/execution/health`, { signal: AbortSignal.timeout(30_000) });
      return response.ok ? true : `HTTP ${response.status}`;
    });
    const dagIds = options.waitForDags ?? [];
    if (dagIds.length === 0) return;
    const token = await this.requestToken(options.username, options.password);
    for (const dagId of dagIds) {
      await this.poll(deadline, `DAG ${dagId} to be parsed`, async () => {
        const response = await fetch(`${this.baseUrl}/api/v2/dags/${encodeURIComponent(dagId)}`, {
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(2000),
        });
        return response.ok ? true : `HTTP ${response.status}`;
      });
    }
  }

  private async requestToken(username: string, password: string): Promise<string> {
    const response = await fetch(`${this.baseUrl}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (response.status !== 201) {
      throw new Error(`Airflow POST /auth/token returned HTTP ${response.status}; see ${this.stateDir}/api-server.log`);
    }
    return ((await response.json()) as { access_token: string }).access_token;
  }

  /** Calls `check` every 250 ms until it returns true; fails when a process exits or the deadline passes. */
  private async poll(deadline: number, waitingFor: string, check: () => Promise<true | string>): Promise<void> {
    let last = 'no response yet';
    while (Date.now() < deadline) {
      const exited = this.processes.find((process) => process.exited);
      if (exited) {
        throw new Error(`${exited.options.name} exited while waiting for ${waitingFor}; see ${exited.options.logFile}`);
      }
      try {
        const result = await check();
        if (result === true) return;
        last = result;
      } catch (error) {
        last = (error as Error).message;
      }
      await delay(250);
    }
    throw new Error(`Airflow timed out waiting for ${waitingFor} (${last}); see the logs in ${this.stateDir}`);
  }
}
