import assert from 'node:assert/strict';
import { gateWorkflowId, pipelineWorkflowId } from '../../src/workflows/gates/pipeline-ids';

describe('pipeline ids', () => {
  const head = 'a'.repeat(40);
  const target = { repositoryPath: '/srv/acme/shop', repository: 'acme/shop', headSha: head };

  it('differ for one head against two bases', () => {
    const first = pipelineWorkflowId('pull_request', { ...target, baseSha: 'b'.repeat(40) });
    const second = pipelineWorkflowId('pull_request', { ...target, baseSha: 'c'.repeat(40) });
    assert.notEqual(first, second);
    assert.equal(first, `pipeline-pull_request-acme-shop-${head}-base-bbbbbbb`);
  });

  it('name the base in gate ids', () => {
    assert.equal(
      gateWorkflowId('unit-tests', { ...target, baseSha: 'b'.repeat(40) }, 'pull_request'),
      'gate-unit-tests-acme-shop-aaaaaaa-base-bbbbbbb-pull_request',
    );
  });

  it('stay the same for repeated deliveries', () => {
    assert.equal(pipelineWorkflowId('push', target), pipelineWorkflowId('push', { ...target }));
  });
});
