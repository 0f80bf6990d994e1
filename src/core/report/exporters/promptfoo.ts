/**
 * A promptfoo config (promptfooconfig.yaml) asking a scenario's turns: one chat prompt (`{{ messages }}`,
 * the JSON messages held in a var, so no scenario text is read as a Nunjucks template), one test per
 * turn (variant x persona x question), each asserting the answer is one the engine accepts (a choice id,
 * an integer on the scale) and, where a `when` rule of the arbitration decides, that it is that choice.
 * The text is made by the yaml package's stringify, so every string is quoted as YAML needs.
 */
import { stringify } from 'yaml';
import type { Scenario } from '../../scenario/model';
import type { ExportAnswer, ExportTurn } from './turns';

/** The answer as the assertion reads it: `{"answer": ...}` (structured output; promptfoo hands a JSON reply over parsed) or the text, trimmed. */
const READ = 'const read = (v) => (v && typeof v === \'object\' && \'answer\' in v ? String(v.answer).trim() : undefined);\nconst text = typeof output === \'string\' ? output.trim() : JSON.stringify(output);\nlet got = typeof output === \'string\' ? text : (read(output) ?? text);\ntry { got = read(JSON.parse(text)) ?? got; } catch { /* plain text */ }';

/** A javascript assertion body (promptfoo runs a multi-line value as a function of `output`). */
export function answerAssertion(answer: ExportAnswer): string {
  if (answer.kind === 'choice') return `${READ}\nreturn ${JSON.stringify(answer.allowed)}.includes(got);`;
  if (answer.kind === 'scale') return `${READ}\nconst m = /^-?\\d+$/.exec(got);\nreturn m !== null && Number(got) >= ${answer.min} && Number(got) <= ${answer.max};`;
  return `${READ}\nreturn got.length > 0;`;
}

/** The assertion that the answer is the arbiter's decision. */
export function decisionAssertion(choice: string): string {
  return `${READ}\nreturn got === ${JSON.stringify(choice)};`;
}

export function promptfooConfig(scenario: Scenario, turns: readonly ExportTurn[], source: string): string {
  const config = {
    description: `Dilemma Lens scenario ${scenario.id} (${source}): the turns dilemma run asks, each standing alone`,
    prompts: ['{{ messages }}'],
    providers: scenario.run.models.length > 0 ? scenario.run.models.map((m) => `openai:chat:${m.slice(m.indexOf('/') + 1)}`) : ['openai:chat:gpt-4o-mini'],
    tests: turns.map((t) => ({
      description: t.id,
      vars: { messages: JSON.stringify(t.messages) },
      assert: [
        { type: 'javascript', value: answerAssertion(t.answer), metric: 'valid-answer' },
        ...(t.decided ? [{ type: 'javascript', value: decisionAssertion(t.decided.choice), metric: 'arbiter-decision' }] : []),
      ],
      metadata: { variant: t.variant, persona: t.persona, step: t.step, ...(t.value ? { value: t.value } : {}), ...(t.decided ? { because: t.decided.because } : {}) },
    })),
  };
  return `# Exported by dilemma export --to promptfoo from ${JSON.stringify(source)}. Set the providers you test.\n${stringify(config, { lineWidth: 0 })}`;
}
