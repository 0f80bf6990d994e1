import { diffWordsWithSpace } from 'diff';

/** One piece of a word-level diff. Offsets are UTF-16 offsets into the variant's text; a removed piece
 *  is not in it, so its range is empty at the place where it was taken out. */
export interface DiffSegment {
  kind: 'equal' | 'added' | 'removed';
  text: string;
  start: number;
  end: number;
}

/** A word-level diff of a variant's text against the baseline's. */
export interface TextDiff {
  baseline: string;
  variant: string;
  segments: DiffSegment[];
  /** Words added and removed (whitespace not counted). */
  added: number;
  removed: number;
  identical: boolean;
}

const words = (s: string): number => s.split(/\s+/).filter(Boolean).length;

/**
 * Word-level diff (the `diff` package, whitespace kept so offsets add up) of `variant` against
 * `baseline`, as segments located in the variant's text.
 */
export function wordDiff(baseline: string, variant: string): TextDiff {
  const segments: DiffSegment[] = [];
  let at = 0;
  let added = 0;
  let removed = 0;
  for (const c of diffWordsWithSpace(baseline, variant)) {
    if (c.removed) {
      segments.push({ kind: 'removed', text: c.value, start: at, end: at });
      removed += words(c.value);
    } else {
      const end = at + c.value.length;
      segments.push({ kind: c.added ? 'added' : 'equal', text: c.value, start: at, end });
      if (c.added) added += words(c.value);
      at = end;
    }
  }
  return { baseline, variant, segments, added, removed, identical: segments.every((s) => s.kind === 'equal') };
}
