/**
 * Re-scoring a stored run with an edited scenario (issue 14 section 4): the analysis-side fields
 * (`expect`, `arbitration` of an unguarded run, `assert`, labels that no prompt shows) may change and
 * the stored answers are judged again; a field that shapes what the model was asked may not. The run
 * log keeps the scenario's hash, not its text, so the check re-renders every recorded session's
 * prompts from the edited file and compares them with the messages its transcript recorded.
 */
import type { SessionRecord, RunHeader } from '../run/record';
import { renderPlanned } from '../run/plan';
import { questionOf, sampleSeed, sessionSteps, type SessionSettings, type SessionStep } from '../run/session';
import { FAMILY_SEPARATOR, familyNames } from '../scenario/families';
import type { Scenario, Span } from '../scenario/model';
import type { RenderedVariant } from '../scenario/render';
import { quotedExcerpt } from './scenarioChanges';

/** A field of the edited file that shapes prompts and no longer gives what the run asked. */
export interface PromptShapingChange {
  /** The field, as the format names it (`values.privacy item privacy.2`, `action.prompt`, `persona`...). */
  field: string;
  /** What differs, with the session it was found in. */
  detail: string;
  /** Where the field is in the edited file, when it is there. */
  span?: Span;
}

const short = (s: string | undefined): string => quotedExcerpt(s, 70, '(nothing)');

/** The field of the edited file a session step comes from. */
function stepField(scenario: Scenario, variant: string, step: SessionStep): { field: string; span?: Span } {
  const v = scenario.variants.find((x) => x.name === variant.split(FAMILY_SEPARATOR)[0]);
  if (step.kind === 'item') {
    const value = scenario.values.find((x) => x.name === step.value);
    const item = (v?.values?.get(step.value) ?? value?.items)?.find((i) => i.id === step.item);
    return { field: `${v?.values?.has(step.value) ? `variant ${v.name}: ` : ''}values.${step.value} item ${step.item}`, ...(item ? { span: item.text.range } : value ? { span: value.range } : {}) };
  }
  if (step.item) {
    const item = scenario.action?.items?.find((i) => i.id === step.item);
    return { field: `action item ${step.item}`, ...(item ? { span: item.text.range } : {}) };
  }
  const prompt = v?.action?.prompt ?? scenario.action?.prompt;
  const own = v?.action?.prompt !== undefined || v?.action?.choices !== undefined;
  return { field: `${own ? `variant ${v!.name}: ` : ''}action (prompt or choices)`, ...(prompt ? { span: prompt.range } : scenario.action ? { span: scenario.action.range } : {}) };
}

/**
 * Whether an edited scenario may re-score a run: the first prompt-shaping difference between the edited scenario and what a run's sessions were
 * asked (their transcripts), or undefined when every recorded prompt is what the edited file renders:
 * then only analysis-side fields can have changed. Checks the scenario id (it seeds the item order),
 * the variants and persona count of the header, and per session the system prompt (persona, and the
 * policy of a guarded twin, which states the arbitration rules) and every question in the order asked
 * (items, their order and shuffling, the action prompt and choices, action items). Run settings that
 * leave no trace in a transcript (temperature, seed, max-tokens, session mode) are not seen, and
 * sessions without a transcript (`checked` counts those with one) cannot be checked.
 */
export function promptShapingChange(scenario: Scenario, header: RunHeader, sessions: readonly SessionRecord[]): RescoreCheck {
  const found = firstChange(scenario, header, sessions);
  return { ...(found ? { change: found } : {}), checked: sessions.filter((s) => s.transcript?.length).length };
}

/** The outcome of `promptShapingChange`: the first change found, and how many sessions had a transcript to check. */
export interface RescoreCheck {
  change?: PromptShapingChange;
  checked: number;
}

function firstChange(scenario: Scenario, header: RunHeader, sessions: readonly SessionRecord[]): PromptShapingChange | undefined {
  if (header.scenario !== scenario.id) {
    return { field: 'id', detail: `the scenario id is ${JSON.stringify(scenario.id)}, the run's was ${JSON.stringify(header.scenario)} (it seeds the item order)`, span: scenario.idRange };
  }
  const planned = familyNames(scenario);
  for (const name of header.variants) {
    if (!planned.includes(name)) return { field: 'variants', detail: `the run has the variant ${JSON.stringify(name)}, which the file no longer plans` };
  }
  const personas = Math.max(1, scenario.personas.length);
  if (header.personas !== personas) return { field: 'personas', detail: `the run had ${header.personas} persona entries, the file has ${personas}` };
  const settings: SessionSettings = { mode: scenario.run.session, order: scenario.run.order, shuffleItems: scenario.run.shuffleItems };
  const rendered = new Map<string, RenderedVariant | undefined>();
  for (const s of sessions) {
    if (!s.transcript) continue;
    const key = `${s.variant}|${s.persona}|${s.guard === true}`;
    if (!rendered.has(key)) rendered.set(key, renderPlanned(scenario, s.variant, scenario.personas[s.persona], undefined, s.guard === true));
    const r = rendered.get(key);
    const where = `session ${s.key}`;
    if (!r) return { field: 'variants', detail: `${where}: the file has no variant ${JSON.stringify(s.variant)}` };
    const t = s.transcript;
    // Questions and answers are recorded in pairs, so an odd length means a leading system prompt
    // (a `user` turn for a model without a system role).
    const recordedSystem = t.length % 2 === 1 ? t[0]!.content : undefined;
    if ((r.system ?? undefined) !== recordedSystem) {
      const v = scenario.variants.find((x) => x.name === s.variant.split(FAMILY_SEPARATOR)[0]);
      const template = v?.persona ?? scenario.persona;
      const policy = s.guard === true ? ' (with the guarded twin\'s policy, the arbitration rules)' : '';
      return { field: s.guard === true && r.policy ? 'persona or arbitration (the guard\'s policy)' : 'persona', detail: `${where}: the system prompt${policy} is ${short(r.system)}, the run sent ${short(recordedSystem)}`, ...(template ? { span: template.range } : {}) };
    }
    const asked = t.slice(recordedSystem === undefined ? 0 : 1).filter((_, i) => i % 2 === 0).map((m) => m.content);
    const steps = sessionSteps(r, settings, sampleSeed(scenario.id, s.variant.split(FAMILY_SEPARATOR)[0]!, s.persona, s.sample));
    const expected = steps.map((step) => questionOf(step, s.sample));
    const n = Math.min(expected.length, asked.length);
    for (let k = 0; k < n; k++) {
      if (expected[k] === asked[k]) continue;
      const askedSet = new Set(asked.slice(0, expected.length));
      if (expected.every((q) => askedSet.has(q))) {
        return { field: 'run.order or run.shuffle-items', detail: `${where}: the same questions in another order (question ${k + 1} differs)` };
      }
      const f = stepField(scenario, s.variant, steps[k]!);
      return { ...f, detail: `${where}, question ${k + 1}: the file asks ${short(expected[k])}, the run asked ${short(asked[k])}` };
    }
    if (s.status === 'complete' && asked.length < expected.length) {
      const f = stepField(scenario, s.variant, steps[asked.length]!);
      return { ...f, detail: `${where}: the file asks ${expected.length} questions, the run asked ${asked.length} (${short(expected[asked.length])} is new)` };
    }
    // Pushback turns follow the action; without pushback, more questions asked than the file has means some were removed.
    if (s.status === 'complete' && asked.length > expected.length && !r.pushback && !(s.pushback?.length)) {
      return { field: 'values or action items', detail: `${where}: the run asked ${asked.length} questions, the file asks ${expected.length} (${short(asked[expected.length])} was removed)` };
    }
  }
  return undefined;
}
