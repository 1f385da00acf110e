import { corruptedCase, hugeDimensionsCase, mismatchedCase, perturbedCase, truncatedCase } from './cv-cases';
import { injectionCase, JSON_TYPE, malformedCase, oversizedCase, unicodeCase } from './genai-cases';
import { Random } from './random';
import type { FuzzCase, FuzzSuite } from './types';

export interface CatalogueSettings {
  seed: number;
  genaiPath: string | null;
  cvPath: string | null;
  oversizedBodyBytes: number;
}

interface CaseKind {
  suite: FuzzSuite;
  name: string;
  build: (random: Random, settings: CatalogueSettings) => { description: string; body: Buffer; contentType?: string };
}

/**
 * The order of case kinds, repeated until the run's case limit. Prompt injection comes up three times as often as
 * the other GenAI kinds, because it is the attack most likely to leak the canary. Oversized bodies come up least,
 * because they are the slowest to send.
 */
const SCHEDULE: readonly CaseKind[] = [
  { suite: 'genai', name: 'injection', build: (random) => injectionCase(random) },
  { suite: 'cv', name: 'perturbed', build: (random) => perturbedCase(random) },
  { suite: 'genai', name: 'unicode', build: (random) => unicodeCase(random) },
  { suite: 'cv', name: 'corrupted', build: (random) => corruptedCase(random) },
  { suite: 'genai', name: 'injection', build: (random) => injectionCase(random) },
  { suite: 'cv', name: 'truncated', build: (random) => truncatedCase(random) },
  { suite: 'genai', name: 'malformed', build: (random) => malformedCase(random) },
  { suite: 'cv', name: 'huge-dimensions', build: (random) => hugeDimensionsCase(random) },
  { suite: 'genai', name: 'injection', build: (random) => injectionCase(random) },
  { suite: 'cv', name: 'mismatched', build: (random) => mismatchedCase(random) },
  {
    suite: 'genai',
    name: 'oversized',
    build: (random, settings) => oversizedCase(random, settings.oversizedBodyBytes),
  },
  { suite: 'cv', name: 'perturbed', build: (random) => perturbedCase(random) },
];

function enabledKinds(settings: CatalogueSettings): CaseKind[] {
  return SCHEDULE.filter((kind) => (kind.suite === 'genai' ? settings.genaiPath : settings.cvPath) !== null);
}

/**
 * Builds case `index` of a run from the seed and the index alone, so a run resumed at case N sends exactly the
 * cases a run from the start would have sent from N on.
 */
export function buildCase(settings: CatalogueSettings, index: number): FuzzCase {
  const kinds = enabledKinds(settings);
  if (kinds.length === 0) throw new Error('both the GenAI and the CV endpoint are switched off');
  const kind = kinds[index % kinds.length]!;
  const payload = kind.build(Random.forCase(settings.seed, index), settings);
  const path = (kind.suite === 'genai' ? settings.genaiPath : settings.cvPath)!;
  return {
    index,
    id: `${String(index).padStart(4, '0')}-${kind.suite}-${kind.name}`,
    suite: kind.suite,
    description: payload.description,
    path,
    contentType: payload.contentType ?? (kind.suite === 'genai' ? JSON_TYPE : undefined),
    body: payload.body,
  };
}
