import {
  PERTURB_FORMS, PRESSURE_KINDS, type Located, type Perturb, type PerturbForm, type PressureKind, type Principle,
  type Span, type Template,
} from './model';
import type { ScenarioReader } from './parse';

/**
 * Readers for the top-level blocks Revision 2 of the contract adds (`perturb`, `principle`), kept out of
 * parse.ts so that file stays about the v1 format. They use the same reader, so problems, unknown keys
 * and ranges behave exactly as everywhere else.
 */

/** A language code in BCP 47 style: a 2-3 letter language, then optional subtags (`pt-BR`, `zh-Hant`). */
export const LANGUAGE_CODE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

/** The `provider/model` shape `run.models` uses. */
export const MODEL_ID = /^[^/\s]+\/\S+$/;

/** A list of words from a fixed set; a repeated entry is a warning and counted once. */
function wordList<T extends string>(r: ScenarioReader, node: unknown, at: Span, what: string, allowed: readonly T[], entries?: Located[]): T[] {
  const seq = r.asSeq(node, at, what);
  if (!seq) return [];
  const out: T[] = [];
  for (const raw of seq.items) {
    const w = r.word(r.deref(raw), at, `an entry of ${what}`, allowed);
    if (!w) continue;
    if (out.includes(w.value)) { r.report('duplicate-entry', `\`${w.value}\` is already listed in ${what}; it counts once.`, w.range); continue; }
    out.push(w.value);
    entries?.push(w);
  }
  return out;
}

function languages(r: ScenarioReader, node: unknown, at: Span): string[] {
  const seq = r.asSeq(node, at, '`translate`');
  if (!seq) return [];
  const out: string[] = [];
  for (const raw of seq.items) {
    const s = r.str(r.deref(raw), at, 'a `translate` entry');
    if (!s) continue;
    if (!LANGUAGE_CODE.test(s.value)) { r.report('invalid-language', `\`${r.short(s.value)}\` is not a language code: write a BCP 47 code such as \`de\`, \`es\` or \`pt-BR\`.`, s.range); continue; }
    if (out.includes(s.value)) { r.report('duplicate-entry', `\`${s.value}\` is already listed in \`translate\`; it counts once.`, s.range); continue; }
    out.push(s.value);
  }
  return out;
}

/** `perturb.templates.forms` or `.pressure`: a map from a kind to its template text. */
function templateMap<T extends string>(r: ScenarioReader, node: unknown, at: Span, sub: 'forms' | 'pressure'): Map<T, Template> {
  const out = new Map<T, Template>();
  const map = r.asMap(node, at, `\`perturb.templates.${sub}\``);
  if (!map) return out;
  for (const e of r.entries(map, at, ['perturb', 'templates', sub], `\`perturb.templates.${sub}\``)) {
    const t = r.template(e.value, e.valueRange, `the \`${e.key}\` template`);
    if (t) out.set(e.key as T, t);
  }
  return out;
}

/** Reads `perturb`; undefined when it is not a mapping (reported). */
export function readPerturb(r: ScenarioReader, node: unknown, at: Span): Perturb | undefined {
  const map = r.asMap(node, at, '`perturb`');
  if (!map) return undefined;
  const p: Perturb = { choiceOrder: false, forms: [], translate: [], pressure: [], templates: { forms: new Map(), pressure: new Map() }, range: r.span(map, at) };
  const keys = new Map<string, Span>();
  const forms: Located[] = [];
  r.sources.perturbKeys = keys;
  r.sources.perturbForms = forms;
  for (const e of r.entries(map, at, ['perturb'], '`perturb`')) {
    keys.set(e.key, e.keyRange);
    switch (e.key) {
      case 'seed': { const n = r.integer(e.value, e.valueRange, '`seed`'); if (n !== undefined) p.seed = n; break; }
      case 'choice-order': { const b = r.boolean(e.value, e.valueRange, '`choice-order`'); if (b !== undefined) p.choiceOrder = b; break; }
      case 'forms': p.forms = wordList<PerturbForm>(r, e.value, e.keyRange, '`forms`', PERTURB_FORMS, forms); break;
      case 'pressure': p.pressure = wordList<PressureKind>(r, e.value, e.keyRange, '`pressure`', PRESSURE_KINDS); break;
      case 'translate': p.translate = languages(r, e.value, e.keyRange); break;
      case 'paraphrase': {
        const pm = r.asMap(e.value, e.keyRange, '`paraphrase`');
        if (!pm) break;
        let count: number | undefined;
        let model: string | undefined;
        for (const f of r.entries(pm, e.keyRange, ['perturb', 'paraphrase'], '`paraphrase`')) {
          if (f.key === 'count') count = r.atLeast(f.value, f.valueRange, 'the paraphrase `count`', 1);
          else if (f.key === 'model') {
            const s = r.str(f.value, f.valueRange, 'the paraphrase `model`');
            if (s && !MODEL_ID.test(s.value)) r.report('invalid-model-id', `Model id \`${r.short(s.value)}\` must be written \`provider/model\`, e.g. \`openai/gpt-4o-mini\`.`, s.range);
            else if (s) model = s.value;
          }
        }
        if (count !== undefined) p.paraphrase = model !== undefined ? { count, model } : { count };
        break;
      }
      case 'pushback': {
        const pm = r.asMap(e.value, e.keyRange, '`pushback`');
        if (!pm) break;
        for (const f of r.entries(pm, e.keyRange, ['perturb', 'pushback'], '`pushback`')) {
          if (f.key === 'turns') { const n = r.atLeast(f.value, f.valueRange, 'the pushback `turns`', 1); if (n !== undefined) p.pushback = { turns: n }; }
        }
        break;
      }
      case 'templates': {
        const tm = r.asMap(e.value, e.keyRange, '`perturb.templates`');
        if (!tm) break;
        for (const f of r.entries(tm, e.keyRange, ['perturb', 'templates'], '`perturb.templates`')) {
          if (f.key === 'forms') p.templates.forms = templateMap<PerturbForm>(r, f.value, f.keyRange, 'forms');
          else if (f.key === 'pressure') p.templates.pressure = templateMap<PressureKind>(r, f.value, f.keyRange, 'pressure');
          else if (f.key === 'pushback') { const t = r.template(f.value, f.valueRange, 'the pushback template'); if (t) p.templates.pushback = t; }
        }
        break;
      }
    }
  }
  return p;
}

/** Reads `principle`; undefined when it is not a mapping or has no usable prompt (reported). */
export function readPrinciple(r: ScenarioReader, node: unknown, at: Span): Principle | undefined {
  const map = r.asMap(node, at, '`principle`');
  if (!map) return undefined;
  let prompt: Template | undefined;
  for (const e of r.entries(map, at, ['principle'], '`principle`')) {
    if (e.key === 'prompt') prompt = r.template(e.value, e.valueRange, 'the principle prompt');
  }
  return prompt ? { prompt, range: r.span(map, at) } : undefined;
}
