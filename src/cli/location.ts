import type { LineCounter } from 'yaml';
import type { Span } from '../core/scenario/model';

/** A 1-based line/column range, as printed by the CLI and written in its JSON output. */
export interface Location {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/**
 * Maps a document offset to a 1-based line and column (UTF-16 code units, as editors count). Pass the
 * parsed scenario's `lineCounter`: `parseScenario` builds it from the text's own line starts (CRLF, CR,
 * LF; see `core/scenario/lines.ts`), not from the YAML lexer, which misses some breaks in broken files.
 */
export function positionAt(lineCounter: LineCounter, offset: number): { line: number; column: number } {
  const { line, col } = lineCounter.linePos(Math.max(0, offset));
  return { line, column: col };
}

/** Maps an offset span to 1-based start and end positions. */
export function locate(lineCounter: LineCounter, span: Span): Location {
  const a = positionAt(lineCounter, span.start);
  const b = positionAt(lineCounter, span.end);
  return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
}
