import { AGREE_SCALE, finish, genericItems, ImportRecordError, optionalText, requiredText, slug, type ImportedScenario, type SourceRecord } from './index';

/** `values_aggregated`: a list, or its Python text form `['honesty', "other's trust"]`. */
function valueList(r: SourceRecord): string[] {
  const v = r.fields['values_aggregated'];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string').map((x) => x.trim()).filter((x) => x !== '');
  if (typeof v !== 'string' || !/^\s*\[.*\]\s*$/s.test(v)) throw new ImportRecordError('field "values_aggregated" must be a list such as [\'honesty\', \'trust\']', r.line);
  return [...v.matchAll(/'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g)].map((m) => (m[1] ?? m[2] ?? '').trim()).filter((x) => x !== '');
}

/**
 * DailyDilemmas (Chiu et al. 2024), `dilemma_to_action_to_values_aggregated`: one record per action
 * with `dilemma_idx`, `basic_situation`, `dilemma_situation`, `action_type` (`to_do` / `not_to_do`),
 * `action`, `negative_consequence`, `values_aggregated`, `topic`, `topic_group`. The two records of a
 * dilemma become one scenario with the choices `to_do` and `not_to_do`; a value named by only one
 * action expects that action (a value both name does not tell them apart and is left out). The data
 * set has no questionnaire: the items are generic ones for each value.
 */
export function importDailyDilemmas(records: readonly SourceRecord[]): ImportedScenario[] {
  const groups = new Map<string, SourceRecord[]>();
  for (const r of records) {
    const id = requiredText(r, 'dilemma_idx');
    const list = groups.get(id) ?? [];
    list.push(r);
    groups.set(id, list);
  }
  const built = [...groups].map(([id, rows]) => {
    const first = rows[0]!;
    const byType = new Map<string, SourceRecord>();
    for (const r of rows) {
      const type = requiredText(r, 'action_type');
      if (type !== 'to_do' && type !== 'not_to_do') throw new ImportRecordError(`action_type must be to_do or not_to_do, found "${type}"`, r.line);
      if (byType.has(type)) throw new ImportRecordError(`dilemma ${id} has a second ${type} action`, r.line);
      byType.set(type, r);
    }
    const doRow = byType.get('to_do');
    const notRow = byType.get('not_to_do');
    if (!doRow || !notRow) throw new ImportRecordError(`dilemma ${id} needs one to_do and one not_to_do action, found only ${[...byType.keys()].join(', ')}`, first.line);
    const situation = requiredText(first, 'dilemma_situation');
    for (const r of rows) {
      if (requiredText(r, 'dilemma_situation') !== situation) throw new ImportRecordError(`dilemma ${id}: dilemma_situation differs from the one on line ${first.line}`, r.line);
    }
    const doValues = valueList(doRow);
    const notValues = valueList(notRow);
    const values: Record<string, unknown> = {};
    const expect: Record<string, string> = {};
    const add = (label: string, choice: string) => {
      const name = slug(label);
      if (values[name]) return;
      values[name] = { label, scale: AGREE_SCALE, items: genericItems(label) };
      expect[name] = choice;
    };
    for (const v of doValues) if (!notValues.includes(v)) add(v, 'to_do');
    for (const v of notValues) if (!doValues.includes(v)) add(v, 'not_to_do');
    if (Object.keys(values).length === 0) {
      throw new ImportRecordError(`dilemma ${id}: no value is named by one action only, so no value separates them`, first.line);
    }
    const basic = optionalText(first, 'basic_situation');
    const topic = optionalText(first, 'topic_group');
    const doc: Record<string, unknown> = {
      title: basic ?? `DailyDilemmas ${id}`,
      description: [
        `DailyDilemmas dilemma ${id}${topic ? ` (${topic})` : ''}.`,
        `If you do it: ${optionalText(doRow, 'negative_consequence') ?? '(no consequence given)'}`,
        `If you do not: ${optionalText(notRow, 'negative_consequence') ?? '(no consequence given)'}`,
      ].join('\n'),
      vars: { situation },
      values,
      action: {
        prompt: '{{situation}}\n\nWhat do you do?',
        choices: { to_do: requiredText(doRow, 'action'), not_to_do: requiredText(notRow, 'action') },
        expect,
      },
    };
    const comments = [
      `Imported by dilemma import --from dailydilemmas from dilemma ${id} (DailyDilemmas, Chiu et al. 2024).`,
      'DailyDilemmas has no questionnaire: the items below are generic ones written by the importer for each',
      'value that only one action names (values_aggregated); replace them with a real instrument.',
    ];
    return { name: `dailydilemmas-${slug(id)}`, comments, doc };
  });
  return finish(built);
}
