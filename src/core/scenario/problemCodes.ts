import type { Fix, Problem, Severity, Span } from './model';

/**
 * Every problem code the scenario checks can report, with its severity and a one-line meaning.
 * Codes are stable: docs/problems.md documents each one and a unit test keeps the two in step.
 */
export const PROBLEM_CODES = {
  'yaml-syntax': { severity: 'error', summary: 'The file is not valid YAML.' },
  'yaml-warning': { severity: 'warning', summary: 'YAML that parses but probably does not mean what it says (e.g. an unknown tag).' },
  'duplicate-key': { severity: 'error', summary: 'The same key appears twice in one mapping.' },
  'wrong-type': { severity: 'error', summary: 'A field holds the wrong kind of YAML node (text, number, list, mapping).' },
  'missing-field': { severity: 'error', summary: 'A required field is absent.' },
  'unknown-key': { severity: 'error', summary: 'A key the format does not define (with a "did you mean" when one is close).' },
  'invalid-name': { severity: 'error', summary: 'An id or name uses characters the format does not allow.' },
  'empty-collection': { severity: 'error', summary: 'A list or mapping that must have entries has none.' },
  'empty-text': { severity: 'error', summary: 'A prompt, item text or label is empty.' },
  'scale-bounds': { severity: 'error', summary: 'A scale whose `max` is not greater than its `min`.' },
  'reverse-not-boolean': { severity: 'error', summary: "An item's `reverse` is not `true` or `false`." },
  'action-choices-and-scale': { severity: 'error', summary: 'The action has both `choices` and `scale`.' },
  'action-needs-choices-or-scale': { severity: 'error', summary: 'The action has neither `choices` nor `scale`.' },
  'too-few-choices': { severity: 'error', summary: '`choices` has fewer than two entries.' },
  'unknown-value': { severity: 'error', summary: 'A name that should be a value (under `values`) is not one.' },
  'unknown-choice': { severity: 'error', summary: 'A name that should be a choice id (under `action.choices`) is not one.' },
  'unknown-direction': { severity: 'error', summary: 'With a scale action: an `expect` that is not positive/negative, or a `require` that is not high/low.' },
  'missing-expect': { severity: 'error', summary: 'Arbitration names a value that has no `expect` entry.' },
  'duplicate-item-id': { severity: 'error', summary: 'Two items share an id.' },
  'duplicate-variant': { severity: 'error', summary: 'Two variants share a name.' },
  'undefined-placeholder': { severity: 'error', summary: 'A `{{name}}` that no var set in effect defines.' },
  'bad-placeholder': { severity: 'error', summary: 'A `{{...}}` whose content is not a var name.' },
  'unused-var': { severity: 'warning', summary: 'A var that no placeholder and no arbitration rule uses.' },
  'unknown-var': { severity: 'error', summary: 'An arbitration `when` names a var that is defined nowhere.' },
  'rule-never-matches': { severity: 'warning', summary: 'An arbitration `when` compares a var with a value it never takes.' },
  'rule-needs-require-or-rank': { severity: 'error', summary: 'An arbitration rule with neither `require` nor `rank`.' },
  'rule-require-and-rank': { severity: 'error', summary: 'An arbitration rule with both `require` and `rank`.' },
  'rank-with-when': { severity: 'error', summary: 'A `rank` rule with a `when`: ranks always apply; conditions go with `require`.' },
  'unreachable-rule': { severity: 'warning', summary: 'A rule after an unconditional `require`, which always decides first.' },
  'duplicate-rank-value': { severity: 'error', summary: 'A value listed twice in one `rank`.' },
  'variant-item-mismatch': { severity: 'warning', summary: "A variant's reworded item whose id is not one of the value's items." },
  'out-of-range': { severity: 'error', summary: 'A number outside the range its field allows.' },
  'invalid-enum': { severity: 'error', summary: 'A field that takes one of a fixed set of words holds another.' },
  'duplicate-order-entry': { severity: 'error', summary: '`run.order` lists an entry twice.' },
  'incomplete-order': { severity: 'error', summary: '`run.order` leaves out a value or the action.' },
  'invalid-model-id': { severity: 'error', summary: 'A `run.models` entry that is not `provider/model`.' },
  'unknown-metric': { severity: 'error', summary: 'An `assert` key that is not a metric.' },
  'threshold-bounds': { severity: 'error', summary: 'An `assert` threshold whose `min` is above its `max`.' },
  'empty-threshold': { severity: 'error', summary: 'An `assert` threshold with neither `min` nor `max`.' },
  'action-items-need-scale': { severity: 'error', summary: '`action.items` on an action with `choices`: items are answered on a scale.' },
  'duplicate-entry': { severity: 'warning', summary: 'A list that names each entry once (`perturb.forms`, `pressure`, `translate`) repeats one.' },
  'invalid-language': { severity: 'error', summary: 'A `perturb.translate` entry that is not a language code.' },
  'perturb-needs-choices': { severity: 'warning', summary: 'A perturbation that reorders or re-asks the choices (`choice-order`, `forms`, `compare` with other than two) where there are none to reorder: it generates no variants.' },
  'template-missing-slot': { severity: 'warning', summary: 'A form or principle template that leaves out a placeholder the question cannot do without.' },
  'nothing-to-settle': { severity: 'warning', summary: 'Sequential `run.samples` in a file with no `assert`: every variant runs to `max`.' },
  'unmeasurable-assert': { severity: 'warning', summary: 'An `assert` on a metric that nothing in the file produces (`pushback-flips` without `perturb.pushback`).' },
  'wide-scale': { severity: 'warning', summary: 'A scale of more than 101 points (`max - min + 1`): too fine for a model to answer meaningfully.' },
  'guard-without-arbitration': { severity: 'warning', summary: '`run.guard` in a file without `arbitration` rules: there is no policy to state, so no guarded session is planned (`dilemma run --guard` refuses such a file).' },
  'huge-plan': { severity: 'warning', summary: 'The run would make more than 1,000,000 model calls: `dilemma run` refuses it without `--yes` or `--max-calls`.' },
} as const satisfies Record<string, { severity: Severity; summary: string }>;

export type ProblemCode = keyof typeof PROBLEM_CODES;

/** Builds a problem with the code's documented severity. */
export function makeProblem(code: ProblemCode, message: string, range: Span, fixes?: Fix[]): Problem {
  const p: Problem = { code, severity: PROBLEM_CODES[code].severity, message, range: { start: range.start, end: range.end } };
  if (fixes && fixes.length) p.fixes = fixes;
  return p;
}
