/**
 * The wording of the questions a session asks, and the JSON schemas that constrain the answers on
 * endpoints with structured output. The item or action text always comes first, unchanged, so that
 * a transcript reads naturally and the instruction that follows is the only thing we add.
 */
import { MAX_SCALE_POINTS, type Scale } from '../scenario/model';
import type { ResponseSchema } from '../models/chatModel';

/** A choice as rendered for a variant. */
export interface PromptChoice {
  id: string;
  label: string;
}

/** "Answer with one integer from 1 (Strongly disagree) to 7 (Strongly agree)." */
export function scaleInstruction(scale: Pick<Scale, 'min' | 'max' | 'low' | 'high'>): string {
  const end = (n: number, word?: string): string => (word ? `${n} (${word})` : `${n}`);
  return `Answer with one integer from ${end(scale.min, scale.low)} to ${end(scale.max, scale.high)}.`;
}

/** The user turn for one questionnaire item. */
export function itemQuestion(text: string, scale: Pick<Scale, 'min' | 'max' | 'low' | 'high'>): string {
  return `${text.trimEnd()}\n\n${scaleInstruction(scale)}`;
}

/** The user turn for the action: the prompt, then the choices with their ids (or the scale). */
export function actionQuestion(prompt: string, answer: { choices?: readonly PromptChoice[]; scale?: Pick<Scale, 'min' | 'max' | 'low' | 'high'> }): string {
  const head = prompt.trimEnd();
  if (answer.choices && answer.choices.length > 0) {
    const lines = answer.choices.map((c) => `- ${c.id}: ${c.label}`);
    return `${head}\n\nChoose one of:\n${lines.join('\n')}\nAnswer with the id of your choice only.`;
  }
  if (answer.scale) return `${head}\n\n${scaleInstruction(answer.scale)}`;
  return head;
}

/**
 * Schema for an integer on a scale: `{ "answer": <integer> }`. A short scale (at most
 * `MAX_SCALE_POINTS` points) lists its values in an `enum`; a wider one is held by `minimum` and
 * `maximum`, so the schema stays the same size whatever the scale (listing 1..1e9 took gigabytes).
 */
export function scaleSchema(scale: Pick<Scale, 'min' | 'max'>): ResponseSchema {
  const points = scale.max - scale.min + 1;
  const answer: Record<string, unknown> = { type: 'integer' };
  if (points <= MAX_SCALE_POINTS) {
    const values: number[] = [];
    for (let n = scale.min; n <= scale.max; n++) values.push(n);
    answer.enum = values;
  } else {
    answer.minimum = scale.min;
    answer.maximum = scale.max;
  }
  return {
    name: 'scale_answer',
    schema: {
      type: 'object',
      properties: { answer },
      required: ['answer'],
      additionalProperties: false,
    },
  };
}

/** Schema for a choice: `{ "answer": "<choice id>" }`. */
export function choiceSchema(choices: readonly PromptChoice[]): ResponseSchema {
  return {
    name: 'choice_answer',
    schema: {
      type: 'object',
      properties: { answer: { type: 'string', enum: choices.map((c) => c.id) } },
      required: ['answer'],
      additionalProperties: false,
    },
  };
}
