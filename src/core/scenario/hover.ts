import { cursorAt, placeholderAt } from './cursor';
import type { Scenario, Span } from './model';
import type { ParsedScenario } from './parse';
import { effectiveVars } from './render';
import { fieldDoc } from './schema';
import { markdownText } from './markdownText';

/** Hover text (Markdown; every text from the file in it is escaped) and the span it applies to. */
export interface HoverInfo {
  markdown: string;
  range: Span;
}

/** A table cell from the scenario's text: escaped (a value, a label or a name is never markup; `|` cannot end the cell). */
const cell = (s: string): string => markdownText(s.trim());

/** One row per variant with the placeholder's value; persona sweeps add a row per differing persona. */
export function placeholderValues(s: Scenario, name: string): { variant: string; persona?: number; value?: string }[] {
  const rows: { variant: string; persona?: number; value?: string }[] = [];
  for (const v of s.variants) {
    const per = s.personas.length ? s.personas.map((p) => effectiveVars(s, v, p).get(name)) : [effectiveVars(s, v).get(name)];
    if (per.every((x) => x === per[0])) rows.push({ variant: v.name, value: per[0] });
    else per.forEach((x, i) => rows.push({ variant: v.name, persona: i + 1, value: x }));
  }
  return rows;
}

/** Hover at `offset`: a placeholder's value in each variant, or the meaning of the field under the cursor. */
export function hoverAt(parsed: ParsedScenario, offset: number): HoverInfo | undefined {
  const ph = placeholderAt(parsed.text, offset);
  if (ph && ph.closed && ph.name) {
    const lines = [`**${markdownText(`{{${ph.name}}}`)}**`, ''];
    const s = parsed.scenario;
    if (s) {
      lines.push('| variant | value |', '|---|---|');
      for (const r of placeholderValues(s, ph.name)) {
        const label = r.persona ? `${cell(r.variant)} (persona ${r.persona})` : cell(r.variant);
        lines.push(`| ${label} | ${r.value === undefined ? '*undefined*' : cell(r.value)} |`);
      }
    }
    return { markdown: lines.join('\n'), range: ph.range };
  }
  const at = cursorAt(parsed, offset);
  if (!at.word) return undefined;
  const s = parsed.scenario;
  if (at.kind === 'key') {
    const doc = fieldDoc([...at.path, at.word]);
    if (doc) {
      const extra = [doc.type && `type: \`${doc.type}\``, doc.enum && `one of: ${doc.enum.map((e) => `\`${e}\``).join(', ')}`,
        doc.default !== undefined && `default: \`${JSON.stringify(doc.default)}\``].filter(Boolean);
      return { markdown: [`**${at.word}**`, '', doc.description, ...(extra.length ? ['', extra.join(' · ')] : [])].join('\n'), range: at.range };
    }
  }
  // A value or choice name used as a reference: say what it names.
  const value = s?.values.find((v) => v.name === at.word);
  if (value) {
    const scale = value.scale ? `, scale ${value.scale.min}–${value.scale.max}` : '';
    return { markdown: `**${markdownText(value.name)}**: ${markdownText(value.label)} (value, ${value.items.length} items${scale})`, range: at.range };
  }
  const choice = s?.action?.choices?.find((c) => c.id === at.word);
  if (choice) return { markdown: `**${markdownText(choice.id)}**: ${markdownText(choice.label)} (choice)`, range: at.range };
  return undefined;
}
