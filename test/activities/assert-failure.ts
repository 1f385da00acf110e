import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';

export interface ExpectedFailure {
  nonRetryable: boolean;
  type: string;
  /** Texts the message must contain. */
  includes?: string[];
  /** Texts the message must not contain, such as a secret. */
  excludes?: string[];
}

/** Awaits `promise`, asserts that it rejects with an ApplicationFailure as expected, and returns the failure. */
export async function assertFailure(promise: Promise<unknown>, expected: ExpectedFailure): Promise<ApplicationFailure> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ApplicationFailure, `expected an ApplicationFailure, got ${String(caught)}`);
  assert.equal(caught.type, expected.type, caught.message);
  assert.equal(caught.nonRetryable, expected.nonRetryable, caught.message);
  for (const text of expected.includes ?? [])
    assert.ok(caught.message.includes(text), `"${caught.message}" lacks "${text}"`);
  for (const text of expected.excludes ?? [])
    assert.ok(!caught.message.includes(text), `"${caught.message}" contains "${text}"`);
  return caught;
}
