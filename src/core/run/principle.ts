/**
 * The `principle` question of a session (Revision 2): for each pair of values, "which should usually
 * come first?", each pair in its own conversation (the persona's preamble, then the question), asked
 * after the action. So the question neither primes the decision nor is primed by it, a scenario that
 * adds `principle` keeps every earlier call (and its cached answer) as it was, and the stated priority
 * stands apart from the contextual decision, as the stated-versus-revealed comparison of arXiv
 * 2506.00751 needs. Sessions alternate which value is named first, so position does not decide.
 */
import type { ChatMessage } from '../models/chatModel';
import type { RenderedPrinciple } from '../scenario/renderPrinciple';
import { readChoice } from './answers';
import { actionQuestion, choiceSchema } from './prompts';
import type { PrincipleAnswer, Usage } from './record';
import type { CallRequest, CallResult } from './session';

/** What asking needs from the session. */
export interface PrincipleAsk {
  principles: readonly RenderedPrinciple[];
  preamble: readonly ChatMessage[];
  /** The sample index: even samples name the first value of a pair first, odd ones the second. */
  sample: number;
  structured: boolean;
  request: Omit<CallRequest, 'messages' | 'schema'>;
  call: (request: CallRequest) => Promise<CallResult>;
  /** Whether an error ends the whole run (rethrown) rather than this session. */
  isFatal: (err: unknown) => boolean;
}

/** The answers, the tokens they used, and the error that stopped them (the session then fails). */
export async function askPrinciples(ask: PrincipleAsk): Promise<{ answers: PrincipleAnswer[]; usage: Usage; error?: string }> {
  const answers: PrincipleAnswer[] = [];
  const usage: Usage = { promptTokens: 0, completionTokens: 0 };
  const flip = ask.sample % 2 === 1;
  for (const p of ask.principles) {
    const order = flip ? [1, 0] : [0, 1];
    const choices = order.map((k) => ({ id: p.values[k]!, label: p.labels[k]! }));
    const question: ChatMessage = { role: 'user', content: actionQuestion(p.prompts[flip ? 1 : 0], { choices }) };
    let result: CallResult;
    try {
      result = await ask.call({ ...ask.request, messages: [...ask.preamble, question], ...(ask.structured ? { schema: choiceSchema(choices) } : {}) });
    } catch (err) {
      if (ask.isFatal(err)) throw err;
      return { answers, usage, error: `${(err as { kind?: string }).kind ?? 'error'}: ${(err as Error).message}` };
    }
    if (result.usage) {
      usage.promptTokens += result.usage.promptTokens;
      usage.completionTokens += result.usage.completionTokens;
    }
    const read = readChoice(result.text, choices);
    answers.push({
      a: choices[0]!.id, b: choices[1]!.id, status: read.status, ...(read.status === 'ok' ? { choice: read.choice } : {}),
      raw: result.text, latencyMs: result.latencyMs, ...(result.usage ? { usage: result.usage } : {}), ...(result.cached ? { cached: true } : {}),
    });
  }
  return { answers, usage };
}
