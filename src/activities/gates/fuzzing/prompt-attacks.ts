import { z } from 'zod';
import data from './data/prompt-attacks.json';

const promptAttacksSchema = z.object({
  attacks: z
    .array(z.object({ id: z.string().regex(/^[a-z0-9-]+$/), category: z.string(), text: z.string().min(1) }))
    .min(1),
});

export type PromptAttack = z.infer<typeof promptAttacksSchema>['attacks'][number];

/** Prompt injection and jailbreak attempts from data/prompt-attacks.json, checked when the module loads. */
export const PROMPT_ATTACKS: readonly PromptAttack[] = promptAttacksSchema.parse(data).attacks;
