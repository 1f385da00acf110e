import { join } from 'node:path';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { AIRFLOW_VERSION } from '../../src/stack/airflow';

describe('Airflow install script', () => {
  it('installs the version the stack expects', () => {
    const script = readFileSync(join(__dirname, '..', '..', 'scripts', 'install-airflow.sh'), 'utf8');

    assert.match(script, new RegExp(`^airflow_version=${AIRFLOW_VERSION.replaceAll('.', '\\.')}$`, 'm'));
  });
});
