/**
 * The turns a run asks, for exporting to other tools: per planned variant (with its `perturb` family)
 * and persona entry, the first sample's questions as the engine sends them in a fresh session: the
 * system prompt (the persona, with the policy on a guarded twin), then one user turn (each questionnaire
 * item, then the action). Rendered through the run's own plan and session code, so an exported config
 * asks the same words. In `history` mode the engine also sends the model's earlier answers, which an
 * export cannot know; each turn is exported standing alone.
 */
import type { Scenario } from '../../scenario/model';
import { planRun } from '../../run/plan';
import { questionOf, sampleSeed, sessionSteps } from '../../run/session';
import { FAMILY_SEPARATOR } from '../../scenario/families';
import { arbitrate, ArbitrationInputError, type ArbiterScenario } from '../../analysis/arbitration';

export interface ExportMessage { role: 'system' | 'user'; content: string }

/** What an answer to a turn may be: one of these ids/tokens, or an integer on the scale. */
export type ExportAnswer = { kind: 'choice'; allowed: string[] } | { kind: 'scale'; min: number; max: number } | { kind: 'free' };

export interface ExportTurn {
  /** `variant|persona|step`, unique in the export. */
  id: string;
  variant: string;
  persona: number;
  /** `action` (or `action:<item>` for Revision 2 action items), else the questionnaire item id. */
  step: string;
  value?: string;
  messages: ExportMessage[];
  answer: ExportAnswer;
  /** The action choice a `when` rule of the scenario's arbitration decides from the vars alone (authored variants). */
  decided?: { choice: string; because: string };
}

export interface ExportOptions {
  /** Only these variants (as `dilemma run --variant`). */
  variants?: readonly string[];
  /** The guarded twin's prompts (the policy in the system prompt). */
  guard?: boolean;
  /** The scenario as the arbiter loads it: with it, a choice action decided by a `when` rule gets the decision. */
  arbiter?: ArbiterScenario;
}

/** Every turn of the scenario's plan, variant-major then persona, in the order a session asks them. */
export function exportTurns(scenario: Scenario, options: ExportOptions = {}): ExportTurn[] {
  const plan = planRun(scenario, { models: ['export/model'], samples: 1, ...(options.variants ? { variants: options.variants } : {}), ...(options.guard !== undefined ? { guard: options.guard } : {}) });
  const guard = plan.guard;
  const out: ExportTurn[] = [];
  for (const variant of plan.variants)
    for (let persona = 0; persona < plan.personas; persona++) {
      const rendered = plan.rendered(variant, persona, guard);
      if (!rendered) continue;
      const authored = variant.split(FAMILY_SEPARATOR)[0]!;
      const steps = sessionSteps(rendered, plan.settings, sampleSeed(scenario.id, authored, persona, 0));
      const system: ExportMessage[] = rendered.system ? [{ role: 'system', content: rendered.system }] : [];
      for (const step of steps) {
        const name = step.kind === 'item' ? step.item : step.item ? `action:${step.item}` : 'action';
        let answer: ExportAnswer;
        if (step.kind === 'item') answer = { kind: 'scale', min: step.scale.min, max: step.scale.max };
        else if (step.form) answer = { kind: 'choice', allowed: step.form.answers.map((a) => a.token) };
        else if (step.choices && step.choices.length > 0) answer = { kind: 'choice', allowed: step.choices.map((c) => c.id) };
        else if (step.scale) answer = { kind: 'scale', min: step.scale.min, max: step.scale.max };
        else answer = { kind: 'free' };
        out.push({
          id: `${variant}|${persona}|${name}`,
          variant,
          persona,
          step: name,
          ...(step.kind === 'item' ? { value: step.value } : {}),
          messages: [...system, { role: 'user', content: questionOf(step, 0) }],
          answer,
          ...(step.kind === 'action' && !step.form && answer.kind === 'choice' ? decidedFor(options.arbiter, variant, persona, answer.allowed) : {}),
        });
      }
    }
  return out;
}

/** The arbiter's decision for a variant and persona when a `when` rule decides it from the vars (no stated scores needed). */
function decidedFor(arbiter: ArbiterScenario | undefined, variant: string, persona: number, allowed: readonly string[]): { decided?: { choice: string; because: string } } {
  if (!arbiter || arbiter.model.arbitration.length === 0 || !arbiter.variants.includes(variant)) return {};
  try {
    const d = arbitrate(arbiter, { variant, ...(arbiter.model.personas.length > 0 ? { persona } : {}) });
    if (d.by === 'when' && d.decision !== null && allowed.includes(d.decision)) return { decided: { choice: d.decision, because: d.because } };
  } catch (e) {
    if (!(e instanceof ArbitrationInputError)) throw e;
  }
  return {};
}
