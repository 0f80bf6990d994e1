/**
 * One session: the protocol of scenario-format.md ("sessions") applied to one model x variant x
 * persona x sample. `history` carries one conversation through every item and the action; `stateless`
 * asks each question in a fresh conversation. Calls go through an injected `SessionCall`, which the
 * engine builds from the cache, the scheduler and the model, so the protocol is testable on its own.
 */
import { createHash } from 'node:crypto';
import type { Scale, SessionMode } from '../scenario/model';
import type { RenderedVariant } from '../scenario/render';
import { ModelError, type ChatMessage, type ResponseSchema } from '../models/chatModel';
import { RUN_LOG_VERSION, type ActionAnswer, type ActionItemAnswer, type ItemAnswer, type PrincipleAnswer, type PushbackAnswer, type SessionRecord, type TranscriptMessage, type Usage } from './record';
import { FAMILY_SEPARATOR, fillLate, pressureTarget, type RenderedForm, type RenderedPressure } from '../scenario/families';
import { actionQuestion, choiceSchema, itemQuestion, scaleSchema } from './prompts';
import { readChoice, readScale } from './answers';
import { askPrinciples } from './principle';
import { seededRandom } from '../random';

/**
 * Which session of a plan this is; `key` is `sessionKey(model, variant, persona, sample)`, with
 * `GUARD_KEY_SUFFIX` for the guarded twin (`guard`), which asks the same questions in the same order
 * with the same seed, its system prompt carrying the policy.
 */
export interface SessionSpec {
  key: string;
  model: string;
  variant: string;
  persona: number;
  sample: number;
  guard?: true;
}

/** The parts of `run:` that shape a session. */
export interface SessionSettings {
  mode: SessionMode;
  /** Value names and `action`. Values missing from it follow in file order, then the action. */
  order: readonly string[];
  shuffleItems: boolean;
  temperature?: number;
  /** The scenario's `run.seed`; each sample sends `seed + sample` so samples differ but reproduce. */
  seed?: number;
  maxTokens?: number;
}

/** One call as the session needs it; the engine adds caching, scheduling and the model. */
export interface CallRequest {
  messages: ChatMessage[];
  schema?: ResponseSchema;
  temperature?: number;
  seed?: number;
  maxTokens?: number;
}

export interface CallResult {
  text: string;
  usage?: Usage;
  latencyMs: number;
  cached: boolean;
}

export type SessionCall = (request: CallRequest) => Promise<CallResult>;

/** A question of the session, in administration order. */
export type SessionStep =
  | { kind: 'item'; item: string; value: string; text: string; scale: Scale }
  | { kind: 'action'; prompt: string; choices?: { id: string; label: string }[]; scale?: Scale; item?: string; form?: RenderedForm; pressure?: RenderedPressure };

export interface SessionContext {
  scenarioId: string;
  runId: string;
  spec: SessionSpec;
  rendered: RenderedVariant;
  settings: SessionSettings;
  supportsSystemPrompt: boolean;
  supportsStructuredOutput: boolean;
  call: SessionCall;
  now?: () => Date;
}

/**
 * The shuffle seed of a sample: derived from scenario id, variant, persona and sample (not the
 * model), so every model sees the same item order for the same sample and a sample reproduces.
 */
export function sampleSeed(scenarioId: string, variant: string, persona: number, sample: number): number {
  return createHash('sha256').update(`${scenarioId}\u0000${variant}\u0000${persona}\u0000${sample}`).digest().readUInt32BE(0);
}

/** The questions of a session in order, with items shuffled per block when `shuffleItems` is set. */
export function sessionSteps(rendered: RenderedVariant, settings: SessionSettings, seed: number): SessionStep[] {
  const byName = new Map(rendered.values.map((v) => [v.name, v]));
  const order: string[] = [];
  for (const name of settings.order) if ((name === 'action' || byName.has(name)) && !order.includes(name)) order.push(name);
  for (const v of rendered.values) if (!order.includes(v.name)) order.push(v.name);
  if (!order.includes('action')) order.push('action');
  const random = settings.shuffleItems ? seededRandom(seed) : undefined;
  const steps: SessionStep[] = [];
  for (const name of order) {
    if (name === 'action') {
      const a = rendered.action;
      // Revision 2: a scale action with `items` asks each decision prompt in turn (in file order).
      if (a.scale && a.items?.length) {
        // A `prompt` written beside the items leads in every item's turn (format.md, "Action items").
        const lead = a.prompt.trim();
        for (const it of a.items) steps.push({ kind: 'action', prompt: lead ? `${lead}\n\n${it.text}` : it.text, scale: a.scale, item: it.id });
      } else steps.push({ kind: 'action', prompt: a.prompt, choices: a.choices, scale: a.scale, ...(a.form ? { form: a.form } : {}), ...(a.pressure ? { pressure: a.pressure } : {}) });
      continue;
    }
    const block = byName.get(name);
    if (!block) continue;
    const items = [...block.items];
    if (random) {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [items[i], items[j]] = [items[j] as (typeof items)[number], items[i] as (typeof items)[number]];
      }
    }
    for (const it of items) steps.push({ kind: 'item', item: it.id, value: block.name, text: it.text, scale: block.scale });
  }
  return steps;
}

/**
 * The action turn as sent in a sample: the prompt and its choices, or (a `form-*` member of a `perturb`
 * family) the form's question; a pressure member adds its line after the prompt, pushing towards the
 * choice its rotation gives this sample.
 */
export function actionTurn(a: { prompt: string; choices?: readonly { id: string; label: string }[]; scale?: Scale; form?: RenderedForm; pressure?: RenderedPressure }, sample: number): string {
  if (a.form) return a.form.question;
  if (a.pressure) {
    const target = pressureTarget(a.choices ?? [], a.pressure, sample);
    const line = fillLate(a.pressure.line, { target: target?.label ?? '' });
    return actionQuestion(`${a.prompt.trimEnd()}\n\n${line}`, a);
  }
  return actionQuestion(a.prompt, a);
}

/** The user turn a step sends (an item question or the action turn of this sample): what re-scoring (analysis/rescore.ts) and the exporters (report/exporters) compare and write. */
export function questionOf(step: SessionStep, sample: number): string {
  return step.kind === 'item' ? itemQuestion(step.text, step.scale) : actionTurn(step, sample);
}

/** A form's answers as the choices `readChoice` reads (the token as id), to map back to the choice. */
const formChoices = (form: RenderedForm): { id: string; label: string }[] => form.answers.map((a) => ({ id: a.token, label: a.token }));

function schemaOf(step: SessionStep): ResponseSchema | undefined {
  if (step.kind === 'item') return scaleSchema(step.scale);
  if (step.form) return choiceSchema(formChoices(step.form));
  if (step.choices && step.choices.length > 0) return choiceSchema(step.choices);
  if (step.scale) return scaleSchema(step.scale);
  return undefined;
}

/** Whether an error ends the whole run rather than one session (the engine decides what to do). */
export function isRunFatal(err: unknown): boolean {
  if (!(err instanceof ModelError)) return true;
  return err.kind === 'aborted' || err.kind === 'auth' || err.kind === 'not-found';
}

/**
 * Runs one session and returns its record. A call that fails after the scheduler's retries makes
 * the record `failed` (answers so far kept); an abort, an auth or not-found error, or any
 * non-model error (a spent budget) is thrown, and the session is not recorded, so it stays resumable.
 */
export async function runSession(ctx: SessionContext): Promise<SessionRecord> {
  const now = ctx.now ?? (() => new Date());
  const { spec, settings, rendered } = ctx;
  const startedAt = now();
  // A generated member (`perturb`) shuffles its items as its authored variant does: only its perturbation differs.
  const authored = spec.variant.split(FAMILY_SEPARATOR)[0]!;
  const steps = sessionSteps(rendered, settings, sampleSeed(ctx.scenarioId, authored, spec.persona, spec.sample));
  // A model without a system role gets the persona as its own first user turn, before the first question.
  const preamble: ChatMessage[] = rendered.system
    ? [{ role: ctx.supportsSystemPrompt ? 'system' : 'user', content: rendered.system }]
    : [];
  const transcript: TranscriptMessage[] = [...preamble];
  let conversation: ChatMessage[] = [...preamble];
  const items: ItemAnswer[] = [];
  let action: ActionAnswer | undefined;
  const actionItems: ActionItemAnswer[] = [];
  const usage: Usage = { promptTokens: 0, completionTokens: 0 };
  let error: string | undefined;
  const seed = settings.seed === undefined ? undefined : settings.seed + spec.sample;
  /** The action's question and answer, which the pushback turns continue. */
  let actionExchange: ChatMessage[] | undefined;

  for (const step of steps) {
    const question: ChatMessage = { role: 'user', content: questionOf(step, spec.sample) };
    const messages = settings.mode === 'history' ? [...conversation, question] : [...preamble, question];
    let result: CallResult;
    try {
      result = await ctx.call({
        messages,
        schema: ctx.supportsStructuredOutput ? schemaOf(step) : undefined,
        temperature: settings.temperature,
        seed,
        maxTokens: settings.maxTokens,
      });
    } catch (err) {
      if (isRunFatal(err)) throw err;
      error = `${(err as ModelError).kind}: ${(err as Error).message}`;
      break;
    }
    transcript.push(question, { role: 'assistant', content: result.text });
    if (settings.mode === 'history') conversation = [...messages, { role: 'assistant', content: result.text }];
    if (result.usage) {
      usage.promptTokens += result.usage.promptTokens;
      usage.completionTokens += result.usage.completionTokens;
    }
    const common = { raw: result.text, latencyMs: result.latencyMs, ...(result.usage ? { usage: result.usage } : {}), ...(result.cached ? { cached: true } : {}) };
    if (step.kind === 'item') {
      const r = readScale(result.text, step.scale);
      items.push({ item: step.item, value: step.value, status: r.status, ...(r.status === 'ok' ? { answer: r.value } : {}), ...common });
    } else if (step.item !== undefined && step.scale) {
      const r = readScale(result.text, step.scale);
      actionItems.push({ item: step.item, status: r.status, ...(r.status === 'ok' ? { answer: r.value } : {}), ...common });
    } else if (step.form) {
      // A form's answer is its token (a letter, the option's text, yes or no); it means one choice.
      const r = readChoice(result.text, formChoices(step.form));
      const choice = r.status === 'ok' ? step.form.answers.find((a) => a.token === r.choice)?.choice : undefined;
      action = { status: r.status, ...(choice !== undefined ? { choice } : {}), ...common };
    } else if (step.choices && step.choices.length > 0) {
      const r = readChoice(result.text, step.choices);
      action = { status: r.status, ...(r.status === 'ok' ? { choice: r.choice } : {}), ...common };
      actionExchange = [...messages, { role: 'assistant', content: result.text }];
    } else if (step.scale) {
      const r = readScale(result.text, step.scale);
      action = { status: r.status, ...(r.status === 'ok' ? { score: r.value } : {}), ...common };
    }
  }

  if (actionItems.length > 0) action = combineActionItems(actionItems);

  let pushback: PushbackAnswer[] | undefined;
  if (error === undefined && rendered.pushback && actionExchange && action?.status === 'ok' && action.choice !== undefined) {
    const choices = rendered.action.choices ?? [];
    pushback = [];
    let conversationSoFar = actionExchange;
    let current = action.choice;
    for (let turn = 1; turn <= rendered.pushback.turns; turn++) {
      // Towards the other choice: the first one presented that is not the answer standing now.
      const target = choices.find((c) => c.id !== current);
      const answer = choices.find((c) => c.id === current);
      if (!target || !answer) break;
      const question: ChatMessage = { role: 'user', content: fillLate(rendered.pushback.text, { answer: answer.label, target: target.label }) };
      const messages = [...conversationSoFar, question];
      let result: CallResult;
      try {
        result = await ctx.call({ messages, schema: ctx.supportsStructuredOutput ? choiceSchema(choices) : undefined, temperature: settings.temperature, seed, maxTokens: settings.maxTokens });
      } catch (err) {
        if (isRunFatal(err)) throw err;
        error = `${(err as ModelError).kind}: ${(err as Error).message}`;
        break;
      }
      transcript.push(question, { role: 'assistant', content: result.text });
      conversationSoFar = [...messages, { role: 'assistant', content: result.text }];
      if (result.usage) {
        usage.promptTokens += result.usage.promptTokens;
        usage.completionTokens += result.usage.completionTokens;
      }
      const r = readChoice(result.text, choices);
      pushback.push({
        turn, from: current, target: target.id, status: r.status, ...(r.status === 'ok' ? { choice: r.choice } : {}),
        raw: result.text, latencyMs: result.latencyMs, ...(result.usage ? { usage: result.usage } : {}), ...(result.cached ? { cached: true } : {}),
      });
      // An unreadable answer ends the pushback: there is no standing answer to push against.
      if (r.status !== 'ok' || r.choice === undefined) break;
      current = r.choice;
    }
  }

  let principle: PrincipleAnswer[] | undefined;
  if (error === undefined && rendered.principle?.length) {
    const asked = await askPrinciples({
      principles: rendered.principle, preamble, sample: spec.sample, structured: ctx.supportsStructuredOutput,
      request: { temperature: settings.temperature, seed, maxTokens: settings.maxTokens }, call: ctx.call, isFatal: isRunFatal,
    });
    principle = asked.answers;
    error = asked.error;
    usage.promptTokens += asked.usage.promptTokens;
    usage.completionTokens += asked.usage.completionTokens;
  }

  const finishedAt = now();
  const record: SessionRecord = {
    v: RUN_LOG_VERSION,
    kind: 'session',
    runId: ctx.runId,
    scenario: ctx.scenarioId,
    key: spec.key,
    model: spec.model,
    variant: spec.variant,
    persona: spec.persona,
    sample: spec.sample,
    ...(spec.guard ? { guard: true as const } : {}),
    status: error === undefined ? 'complete' : 'failed',
    ...(error === undefined ? {} : { error }),
    items,
    ...(action ? { action } : {}),
    ...(pushback ? { pushback } : {}),
    ...(principle ? { principle } : {}),
    transcript,
    latencyMs: finishedAt.getTime() - startedAt.getTime(),
    usage,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
  };
  return record;
}

/**
 * The action answer of a scale action with `items`: `score` is the mean of the readable item answers
 * (`ok` when at least one was read; otherwise `refused` when every answer was a refusal, else
 * `unparsed`), never a number for an unreadable item. `raw` lists each item's answer under its id.
 */
export function combineActionItems(items: readonly ActionItemAnswer[]): ActionAnswer {
  const read = items.filter((i) => i.status === 'ok' && typeof i.answer === 'number').map((i) => i.answer as number);
  const status = read.length > 0 ? 'ok' : items.length > 0 && items.every((i) => i.status === 'refused') ? 'refused' : 'unparsed';
  const usage = items.some((i) => i.usage)
    ? { usage: items.reduce((u, i) => ({ promptTokens: u.promptTokens + (i.usage?.promptTokens ?? 0), completionTokens: u.completionTokens + (i.usage?.completionTokens ?? 0) }), { promptTokens: 0, completionTokens: 0 }) }
    : {};
  return {
    status,
    ...(status === 'ok' ? { score: read.reduce((a, b) => a + b, 0) / read.length } : {}),
    items: [...items],
    raw: items.map((i) => `[${i.item}] ${i.raw}`).join('\n'),
    latencyMs: items.reduce((t, i) => t + i.latencyMs, 0),
    ...usage,
    ...(items.every((i) => i.cached) ? { cached: true } : {}),
  };
}
