import type { Placeholder, Span } from './model';

/** A var (and placeholder) name: what `{{ ... }}` may contain. */
export const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** A `{{ ... }}` whose content is not a var name, for the `bad-placeholder` problem. */
export interface BadPlaceholder {
  content: string;
  range: Span;
}

/**
 * Finds `{{ name }}` occurrences in `source` (the raw text of a scalar as written in the file), with
 * ranges offset by `base`, so that block scalars and quoted strings get exact document positions.
 */
export function scanPlaceholders(source: string, base: number): { placeholders: Placeholder[]; bad: BadPlaceholder[] } {
  const placeholders: Placeholder[] = [];
  const bad: BadPlaceholder[] = [];
  if (!source.includes('{{')) return { placeholders, bad };
  const re = /\{\{([^{}]*)\}\}/g;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    const inner = m[1] ?? '';
    const start = base + m.index;
    const range = { start, end: start + m[0].length };
    const name = inner.trim();
    if (!VAR_NAME.test(name)) {
      bad.push({ content: inner, range });
      continue;
    }
    const nameStart = start + 2 + inner.indexOf(name);
    placeholders.push({ name, range, nameRange: { start: nameStart, end: nameStart + name.length } });
  }
  return { placeholders, bad };
}
