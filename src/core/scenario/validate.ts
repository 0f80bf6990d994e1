import { PLAN_CALL_LIMIT, type Item, type Problem, type Scenario, type Span, type Template, type Variant, type VarEntry } from './model';
import { parseScenario, type ParsedScenario, type ScenarioSources } from './parse';
import { makeProblem, type ProblemCode } from './problemCodes';
import { closest } from './suggest';
import { familyNames, variantChoices } from './families';
import { FORM_SLOTS, PRESSURE_SLOTS, PRINCIPLE_SLOTS, PUSHBACK_SLOTS, type SlotSpec } from './perturbTemplates';

const DIRECTIONS = ['positive', 'negative'];
const SCALE_REQUIREMENTS = ['high', 'low'];

/** Lists names for a message, eliding the tail of long lists. */
function nameList(names: readonly string[], max = 4): string {
  const shown = names.slice(0, max).map((n) => `\`${n}\``).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/** The cross-reference checks: everything that needs more than one node of the file to decide. */
class SemanticChecks {
  private readonly valueNames: string[];
  private readonly choiceIds: string[] | undefined;

  /**
   * @param brokenText the file's text when YAML itself failed somewhere in it: a var whose entry the
   * parser lost is then still written in the text, and its placeholders are not reported as undefined
   * (the YAML error is the problem to fix; issue 10 §9).
   */
  constructor(private readonly s: Scenario, private readonly sources: ScenarioSources, private readonly out: Problem[], private readonly brokenText?: string) {
    this.valueNames = s.values.map((v) => v.name);
    this.choiceIds = s.action?.choices?.map((c) => c.id);
  }

  private report(code: ProblemCode, message: string, range: Span, fix?: string): void {
    this.out.push(makeProblem(code, message, range, fix ? [{ title: `Change to \`${fix}\``, range, replacement: fix }] : undefined));
  }

  private unknown(code: ProblemCode, what: string, name: string, range: Span, candidates: readonly string[]): void {
    const guess = closest(name, candidates);
    const known = candidates.length ? ` Known: ${nameList(candidates, 8)}.` : '';
    this.report(code, `\`${name}\` is not ${what}.${guess ? ` Did you mean \`${guess}\`?` : known}`, range, guess);
  }

  run(): void {
    this.itemIds();
    this.variants();
    this.expectations();
    this.arbitration();
    this.order();
    this.placeholders();
    this.perturb();
    this.sampling();
  }

  private itemRange(item: Item): Span {
    return this.sources.itemIdRanges.get(item) ?? item.range;
  }

  private itemIds(): void {
    const seen = new Map<string, Item>();
    // Action items share the file's item-id namespace: answers are stored by item id.
    for (const items of [...this.s.values.map((v) => v.items), this.s.action?.items ?? []]) {
      for (const item of items) {
        const first = seen.get(item.id);
        if (first) this.report('duplicate-item-id', `Item id \`${item.id}\` is already used${first.explicitId ? '' : ' (derived from its value and position)'}; item ids must be unique in the file.`, this.itemRange(item));
        else seen.set(item.id, item);
      }
    }
  }

  private variants(): void {
    const names = new Set<string>();
    const baseIds = new Map(this.s.values.map((v) => [v.name, new Set(v.items.map((i) => i.id))] as const));
    for (const v of this.s.variants) {
      if (v.implicit) continue;
      if (names.has(v.name)) this.report('duplicate-variant', `Variant name \`${v.name}\` is already used; variant names must be unique.`, v.nameRange);
      names.add(v.name);
      for (const key of this.sources.variantValueKeys.get(v) ?? []) {
        if (!baseIds.has(key.name)) this.unknown('unknown-value', 'a value of this scenario', key.name, key.range, this.valueNames);
      }
      if (v.values) {
        const seen = new Set<string>();
        for (const [valueName, items] of v.values) {
          const base = baseIds.get(valueName);
          if (!base) continue;
          for (const item of items) {
            if (seen.has(item.id)) this.report('duplicate-item-id', `Item id \`${item.id}\` is already used in variant \`${v.name}\`.`, this.itemRange(item));
            seen.add(item.id);
            if (!base.has(item.id)) this.report('variant-item-mismatch', `Variant \`${v.name}\` rewords item \`${item.id}\`, which \`${valueName}\` does not have; a reworded item keeps the id of the item it replaces so answers stay comparable.`, this.itemRange(item));
          }
        }
      }
      const choices = v.action?.choices;
      if (choices) {
        const first = choices[0]?.idRange ?? v.nameRange;
        if (this.s.action?.scale && !this.s.action.choices) {
          this.report('action-choices-and-scale', `Variant \`${v.name}\` gives choices, but the scenario's action is answered on a scale.`, first);
        } else if (this.choiceIds) {
          for (const c of choices) if (!this.choiceIds.includes(c.id)) this.unknown('unknown-choice', 'a choice id of the action', c.id, c.idRange, this.choiceIds);
          if (choices.length < 2) this.report('too-few-choices', `Variant \`${v.name}\` offers ${choices.length} choice; an action needs at least two.`, first);
        }
      }
    }
  }

  private expectations(): void {
    const a = this.s.action;
    if (!a) return;
    for (const x of a.expect) {
      if (!this.valueNames.includes(x.value)) this.unknown('unknown-value', 'a value of this scenario', x.value, x.valueRange, this.valueNames);
      if (a.choices && !a.scale) {
        if (!this.choiceIds?.includes(x.target)) this.unknown('unknown-choice', 'a choice id of the action', x.target, x.targetRange, this.choiceIds ?? []);
      } else if (a.scale && !a.choices && !DIRECTIONS.includes(x.target)) {
        this.report('unknown-direction', `With a scale action, \`expect\` says \`positive\` or \`negative\`, not \`${x.target}\`.`, x.targetRange, closest(x.target, DIRECTIONS));
      }
    }
  }

  private knownVars(): Map<string, Set<string>> {
    const known = new Map<string, Set<string>>();
    const add = (e: VarEntry) => {
      let vals = known.get(e.name);
      if (!vals) known.set(e.name, (vals = new Set()));
      vals.add(e.value);
    };
    for (const e of this.s.vars.values()) add(e);
    for (const p of this.s.personas) for (const e of p.values()) add(e);
    for (const v of this.s.variants) for (const e of v.vars.values()) add(e);
    return known;
  }

  private arbitration(): void {
    const guard = this.s.run.guardRange;
    if (this.s.run.guard && this.s.arbitration.length === 0 && guard)
      this.report('guard-without-arbitration', '`guard: true` states the `arbitration` rules to the model as its policy, and this file has none, so the run plans no guarded session: add `arbitration` rules or remove `guard`.', guard);
    const a = this.s.action;
    const expected = new Set(a?.expect.map((x) => x.value));
    const known = this.knownVars();
    let decidedAt: number | undefined;
    this.s.arbitration.forEach((rule, i) => {
      if (decidedAt !== undefined) this.report('unreachable-rule', `Rule ${i + 1} is never reached: rule ${decidedAt + 1} has no \`when\` and always decides first.`, rule.range);
      if (rule.kind === 'when') {
        for (const w of rule.when.values()) {
          const vals = known.get(w.name);
          if (!vals) this.unknown('unknown-var', 'a var defined in `vars`, `personas` or any variant', w.name, w.nameRange, [...known.keys()]);
          else if (!vals.has(w.value)) this.report('rule-never-matches', `\`${w.name}\` is never \`${w.value}\` in this file (it takes ${nameList([...vals])}), so this rule never applies.`, w.valueRange);
        }
        if (rule.when.size === 0 && decidedAt === undefined) decidedAt = i;
        const r = rule.require;
        if (r && a) {
          if (a.choices && !a.scale) {
            if (!this.choiceIds?.includes(r.value)) this.unknown('unknown-choice', 'a choice id of the action', r.value, r.range, this.choiceIds ?? []);
          } else if (a.scale && !a.choices && !SCALE_REQUIREMENTS.includes(r.value)) {
            this.report('unknown-direction', `With a scale action, \`require\` is \`high\` or \`low\`, not \`${r.value}\`.`, r.range, closest(r.value, SCALE_REQUIREMENTS));
          }
        }
        return;
      }
      const seen = new Set<string>();
      for (const entry of rule.rank) {
        if (!this.valueNames.includes(entry.value)) { this.unknown('unknown-value', 'a value of this scenario', entry.value, entry.range, this.valueNames); continue; }
        if (seen.has(entry.value)) { this.report('duplicate-rank-value', `\`${entry.value}\` is already ranked higher in this rule.`, entry.range); continue; }
        seen.add(entry.value);
        if (a && !expected.has(entry.value)) this.report('missing-expect', `Arbitration ranks \`${entry.value}\`, so \`action.expect\` must say which way \`${entry.value}\` pulls.`, entry.range);
      }
    });
  }

  private order(): void {
    const written = this.sources.order;
    if (!written) return;
    const allowed = [...this.valueNames, 'action'];
    const seen = new Set<string>();
    for (const e of written.entries) {
      if (!allowed.includes(e.value)) { this.unknown('unknown-value', 'a value of this scenario or `action`', e.value, e.range, allowed); continue; }
      if (seen.has(e.value)) { this.report('duplicate-order-entry', `\`${e.value}\` is already in \`order\`; each block is administered once.`, e.range); continue; }
      seen.add(e.value);
    }
    const missing = allowed.filter((n) => !seen.has(n));
    if (missing.length) this.report('incomplete-order', `\`order\` must list every value and \`action\` once; missing: ${nameList(missing)}.`, written.key);
  }

  private placeholders(): void {
    const s = this.s;
    const global = new Set(s.vars.keys());
    if (s.personas.length) {
      const [first, ...rest] = s.personas;
      for (const name of first!.keys()) if (rest.every((p) => p.has(name))) global.add(name);
    }
    const allVarNames = new Set([...global, ...s.personas.flatMap((p) => [...p.keys()]), ...s.variants.flatMap((v) => [...v.vars.keys()])]);
    const used = new Set<string>();
    for (const rule of s.arbitration) if (rule.kind === 'when') for (const name of rule.when.keys()) used.add(name);

    // A scenario-level template is used by every variant that does not replace it; which variants lack
    // a name is computed once per (template group, name), so the check stays linear in variants + placeholders.
    const lacking = new Map<string, Variant[]>();
    const check = (t: Template | undefined, group: string, users: () => Variant[], slots?: SlotSpec) => {
      if (!t) return;
      for (const ph of t.placeholders) {
        // The engine fills a template's slots itself; they are not vars.
        if (slots?.provided.includes(ph.name)) continue;
        used.add(ph.name);
        if (global.has(ph.name)) continue;
        const key = `${group}\u0000${ph.name}`;
        let missingIn = lacking.get(key);
        if (!missingIn) lacking.set(key, (missingIn = users().filter((v) => !v.vars.has(ph.name))));
        if (missingIn.length) this.undefinedPlaceholder(ph.name, ph.nameRange, ph.range, missingIn, allVarNames);
      }
    };
    const memo = <T>(f: () => T) => { let v: T | undefined; return () => (v ??= f()); };
    const personaUsers = memo(() => s.variants.filter((v) => !v.persona));
    const promptUsers = memo(() => s.variants.filter((v) => !v.action?.prompt));
    check(s.persona, 'persona', personaUsers);
    check(s.action?.prompt, 'prompt', promptUsers);
    for (const value of s.values) {
      const users = memo(() => s.variants.filter((v) => !v.values?.has(value.name)));
      for (const item of value.items) check(item.text, `value:${value.name}`, users);
    }
    const everyVariant = () => s.variants;
    for (const item of s.action?.items ?? []) check(item.text, 'action-items', everyVariant);
    check(s.principle?.prompt, 'principle', everyVariant, PRINCIPLE_SLOTS);
    const t = s.perturb?.templates;
    if (t) {
      for (const [form, tpl] of t.forms) check(tpl, `form:${form}`, everyVariant, FORM_SLOTS[form]);
      for (const [kind, tpl] of t.pressure) check(tpl, `pressure:${kind}`, everyVariant, PRESSURE_SLOTS);
      check(t.pushback, 'pushback', everyVariant, PUSHBACK_SLOTS);
    }
    for (const v of s.variants) {
      const only = () => [v];
      check(v.persona, `v:${v.name}:persona`, only);
      check(v.action?.prompt, `v:${v.name}:prompt`, only);
      if (v.values) for (const [name, items] of v.values) for (const item of items) check(item.text, `v:${v.name}:value:${name}`, only);
    }

    const unused = (e: VarEntry, where: string) => {
      if (!used.has(e.name)) this.report('unused-var', `Var \`${e.name}\` (in ${where}) is not used by any placeholder or arbitration rule.`, e.nameRange);
    };
    for (const e of s.vars.values()) unused(e, '`vars`');
    s.personas.forEach((p, i) => { for (const e of p.values()) unused(e, `personas entry ${i + 1}`); });
    for (const v of s.variants) for (const e of v.vars.values()) unused(e, `variant \`${v.name}\``);
  }

  /** Revision 2: what `perturb` asks of the action, and the slots its templates (and `principle`'s) cannot do without. */
  private perturb(): void {
    const p = this.s.perturb;
    const keys = this.sources.perturbKeys;
    const action = this.s.action;
    if (p && keys && action) {
      const choices = action.choices && !action.scale ? action.choices.length : undefined;
      if (choices === undefined && action.scale) {
        const on = (key: string, what: string) => {
          const at = keys.get(key);
          if (at) this.report('perturb-needs-choices', `${what} needs an action with \`choices\`; this action is answered on a scale, so it generates no variants.`, at);
        };
        if (p.choiceOrder) on('choice-order', '`choice-order` (presenting the choices in every order)');
        if (p.forms.length) on('forms', '`forms` (asking the choices as A/B, by repetition or by comparison)');
      } else if (choices !== undefined && choices !== 2) {
        const compare = this.sources.perturbForms?.find((f) => f.value === 'compare');
        if (compare) this.report('perturb-needs-choices', `The \`compare\` form asks "Do you prefer A over B?", which needs exactly two choices; this action has ${choices}, so the form generates no variants.`, compare.range);
      }
    }
    const slots = (t: Template | undefined, spec: SlotSpec, what: string) => {
      if (!t) return;
      const missing = spec.required.filter((n) => !t.placeholders.some((ph) => ph.name === n));
      if (missing.length) this.report('template-missing-slot', `${what} leaves out ${nameList(missing.map((m) => `{{${m}}}`))}, which the engine fills in; without ${missing.length > 1 ? 'them' : 'it'} the model cannot see the question whole.`, t.range);
    };
    if (p) for (const [form, t] of p.templates.forms) slots(t, FORM_SLOTS[form], `The \`${form}\` form template`);
    slots(this.s.principle?.prompt, PRINCIPLE_SLOTS, 'The principle prompt');
  }

  /** Revision 2: sequential sampling stops on asserts, and `pushback-flips` needs pushback turns to count. */
  private sampling(): void {
    const s = this.s;
    const assertKeys = this.sources.assertKeys;
    if (s.run.sequential && !assertKeys?.size) {
      this.report('nothing-to-settle', `\`samples\` stops early when every assert is settled, but this file has no \`assert\`: every variant will run to \`max\` (${s.run.sequential.max}).`, s.run.sequential.range);
    }
    this.planSize();
    const pushbackAssert = assertKeys?.get('pushback-flips');
    if (pushbackAssert && !s.perturb?.pushback) {
      this.report('unmeasurable-assert', '`pushback-flips` counts actions that change after a pushback turn, but `perturb.pushback` asks none: the assert could never be measured.', pushbackAssert);
    }
  }

  /**
   * Issue 11 §2: the calls a run of the file plans, from counts alone (the run's own preflight counts the
   * same way), with the models of `run.models` (one when it names none): above the limit, a warning.
   */
  private planSize(): void {
    const s = this.s;
    const at = s.run.sequential?.range ?? s.run.range;
    if (!at) return;
    const values = s.values.filter((v) => v.scale);
    const perSession = values.reduce((n, v) => n + v.items.length, 0)
      + (s.action?.scale && s.action.items?.length ? s.action.items.length : 1)
      + (s.principle ? (values.length * (values.length - 1)) / 2 : 0);
    const models = Math.max(1, s.run.models.length);
    // Revision 2: generated family members (`perturb`) are sessions of their own; pushback adds turns to the authored ones.
    const variants = Math.max(1, familyNames(s).length);
    const pushbackTurns = s.perturb?.pushback ? s.variants.filter((v) => variantChoices(s, v)).length * s.perturb.pushback.turns : 0;
    const sessions = models * variants * Math.max(1, s.personas.length) * s.run.samples;
    // Members ask no principle question.
    const principle = s.principle ? (values.length * (values.length - 1)) / 2 : 0;
    const memberSessions = models * (variants - s.variants.length) * Math.max(1, s.personas.length) * s.run.samples;
    const calls = sessions * perSession - memberSessions * principle + models * Math.max(1, s.personas.length) * s.run.samples * pushbackTurns;
    if (!(calls > PLAN_CALL_LIMIT)) return;
    const fmt = (n: number): string => n.toLocaleString('en-US');
    this.report('huge-plan', `This file plans ${fmt(calls)} model calls (${fmt(models)} model${models > 1 ? 's' : ''} x ${fmt(variants)} variant(s) x ${fmt(Math.max(1, s.personas.length))} persona(s) x ${fmt(s.run.samples)} sample(s) x ${fmt(perSession)} questions${pushbackTurns ? ', plus the pushback turns' : ''}${principle && variants > s.variants.length ? ', less the principle questions generated variants do not ask' : ''}), more than ${fmt(PLAN_CALL_LIMIT)}: \`dilemma run\` refuses it unless \`--yes\` or \`--max-calls N\` says otherwise. Lower \`samples\`, or split the personas or variants over several files.`, at);
  }

  private undefinedPlaceholder(name: string, nameRange: Span, range: Span, missingIn: Variant[], known: Set<string>): void {
    if (this.brokenText !== undefined && new RegExp(`^[ \\t]*(?:-[ \\t]+)?(?:\\{[^}\\n]*[,{ ])?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[ \\t]*:`, 'm').test(this.brokenText)) return;
    const guess = closest(name, [...known]);
    const hint = guess ? ` Did you mean \`${guess}\`?` : '';
    const s = this.s;
    const lackingPersonas = s.personas.map((p, i) => (p.has(name) ? 0 : i + 1)).filter((i) => i > 0);
    const partialPersonas = lackingPersonas.length > 0 && lackingPersonas.length < s.personas.length
      ? ` (${lackingPersonas.length === 1 ? `personas entry ${lackingPersonas[0]} lacks` : `personas entries ${lackingPersonas.join(', ')} lack`} it)` : '';
    const definedSomewhere = known.has(name);
    const message = !definedSomewhere
      ? `\`{{${name}}}\` is not defined: add \`${name}\` to \`vars\`, to every \`personas\` entry, or to the \`vars\` of each variant.${hint}`
      : `\`{{${name}}}\` has no value in variant${missingIn.length > 1 ? 's' : ''} ${nameList(missingIn.map((v) => v.name))}${partialPersonas}: define \`${name}\` in \`vars\`, in every \`personas\` entry, or in those variants' \`vars\`.`;
    this.out.push(makeProblem('undefined-placeholder', message, range, guess && !definedSomewhere ? [{ title: `Change to \`${guess}\``, range: nameRange, replacement: guess }] : undefined));
  }
}

/** All problems (parse + schema + semantic), sorted by range.start. */
export function validateScenario(parsed: ParsedScenario): Problem[] {
  const problems = [...parsed.problems];
  if (parsed.scenario) {
    const sources = parsed.sources ?? { variantValueKeys: new Map(), itemIdRanges: new Map() };
    const yamlBroken = parsed.problems.some((p) => p.code === 'yaml-syntax');
    new SemanticChecks(parsed.scenario, sources, problems, yamlBroken ? parsed.text : undefined).run();
  }
  return problems.sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
}

/** Parses and validates a scenario text in one step. Never throws. */
export function checkScenario(text: string): { parsed: ParsedScenario; problems: Problem[] } {
  const parsed = parseScenario(text);
  return { parsed, problems: validateScenario(parsed) };
}
