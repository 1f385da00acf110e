import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const API_FIXTURES = join(__dirname, '..', 'fixtures', 'airflow', 'api');

/** Reads a JSON fixture under test/fixtures/airflow/api, such as `v2/dag-run-running.json`. */
export function apiFixture<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(join(API_FIXTURES, path), 'utf8')) as T;
}

/** Returns an error body of `v1/errors.json` or `v2/errors.json` by its case name. */
export function errorFixture(version: 'v1' | 'v2', name: string): unknown {
  const errors = apiFixture<Record<string, unknown>>(`${version}/errors.json`);
  if (!(name in errors)) throw new Error(`no error fixture ${name} in ${version}/errors.json`);
  return errors[name];
}

/** Builds an unsigned JWT with the given `exp` (epoch ms); the client reads the claim and never checks a signature. */
export function fakeJwt(expiresAtMs: number, subject = 'slo'): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'HS512', typ: 'JWT' })}.${encode({ sub: subject, exp: Math.floor(expiresAtMs / 1000) })}.sig`;
}
