import assert from 'node:assert/strict';
import { formatPrometheusDuration, parseDuration } from '../../src/runbook/duration';

describe('duration', () => {
  it('parses each unit', () => {
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('5m'), 300_000);
    assert.equal(parseDuration('2h'), 7_200_000);
  });

  it('rejects text without a unit', () => {
    assert.equal(parseDuration('5'), undefined);
    assert.equal(parseDuration('5 minutes'), undefined);
    assert.equal(parseDuration('-5m'), undefined);
  });

  it('formats with the largest even unit', () => {
    assert.equal(formatPrometheusDuration(300_000), '5m');
    assert.equal(formatPrometheusDuration(90_000), '90s');
    assert.equal(formatPrometheusDuration(0), '0s');
    assert.equal(formatPrometheusDuration(7_200_000), '2h');
    assert.equal(formatPrometheusDuration(1500), '1500ms');
  });
});
