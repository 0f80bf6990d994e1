import { AGREE_SCALE, finish, genericItems, ImportRecordError, optionalText, requiredText, slug, type ImportedScenario, type SourceRecord } from './index';

/** Gert's common-morality rules that MoralChoice annotates per action (`a1_<rule>`, `a2_<rule>`). */
const RULE_LABELS: Readonly<Record<string, string>> = {
  death: 'not killing',
  pain: 'not causing pain',
  disable: 'not disabling',
  freedom: 'not depriving of freedom',
  pleasure: 'not depriving of pleasure',
  deceive: 'not deceiving',
  cheat: 'not cheating',
  break_promise: 'keeping promises',
  break_law: 'obeying the law',
  duty: 'doing one\'s duty',
};

function violates(v: unknown): boolean {
  return typeof v === 'string' ? /^(yes|true|1)$/i.test(v.trim()) : v === true || v === 1;
}

/**
 * MoralChoice (Scherrer et al. 2023): one record per scenario with `scenario_id`, `ambiguity`,
 * `generation_type`, `context`, `action1`, `action2` (also `action 1`/`action 2`) and rule
 * annotations `a1_<rule>` / `a2_<rule>` (Yes/No: does the action violate the rule). Each rule that
 * exactly one action violates becomes a value whose expected choice is the other action; the data
 * set has no questionnaire, so the items are generic ones for the rule.
 */
export function importMoralChoice(records: readonly SourceRecord[]): ImportedScenario[] {
  const built = records.map((r) => {
    const id = requiredText(r, 'scenario_id');
    const context = requiredText(r, 'context');
    const a1 = requiredText(r, 'action1', 'action 1');
    const a2 = requiredText(r, 'action2', 'action 2');
    if (a1 === a2) throw new ImportRecordError('action1 and action2 are the same text', r.line);
    const ambiguity = optionalText(r, 'ambiguity');
    const generation = optionalText(r, 'generation_type');
    const rules = [...new Set(Object.keys(r.fields).map((k) => /^a[12]_(.+)$/.exec(k)?.[1]).filter((k): k is string => k !== undefined))].sort();
    const values: Record<string, unknown> = {};
    const expect: Record<string, string> = {};
    for (const rule of rules) {
      const v1 = violates(r.fields[`a1_${rule}`]);
      const v2 = violates(r.fields[`a2_${rule}`]);
      if (v1 === v2) continue;
      const label = RULE_LABELS[rule] ?? rule.replace(/_/g, ' ');
      const name = slug(label);
      values[name] = { label: label.charAt(0).toUpperCase() + label.slice(1), scale: AGREE_SCALE, items: genericItems(label) };
      expect[name] = v1 ? 'action2' : 'action1';
    }
    if (Object.keys(values).length === 0) {
      // No rule tells the two actions apart: one value for the moral judgement the data set asks for.
      values['morality'] = { label: 'Moral judgement', scale: AGREE_SCALE, items: genericItems('doing what is morally right') };
    }
    const doc: Record<string, unknown> = {
      title: id,
      description: `MoralChoice scenario ${id}${ambiguity ? `, ${ambiguity} ambiguity` : ''}${generation ? `, ${generation}` : ''}.`,
      vars: { situation: context },
      values,
      action: {
        prompt: '{{situation}}\n\nWhich of the following would you do?',
        choices: { action1: a1, action2: a2 },
        expect,
      },
    };
    const comments = [
      `Imported by dilemma import --from moralchoice from record ${id} (MoralChoice, Scherrer et al. 2023).`,
      'MoralChoice has no questionnaire: the items below are generic ones written by the importer for each',
      'rule that exactly one action violates (from the a1_/a2_ annotations); replace them with a real instrument.',
    ];
    return { name: `moralchoice-${slug(id)}`, comments, doc };
  });
  return finish(built);
}
