/**
 * Line and column positions computed from the text itself. The `yaml` package's `LineCounter` only
 * learns the line breaks its lexer reports: it misses breaks inside tokens it recovered from an error
 * and lone CR line ends, so on a broken file it can point at the wrong line or past the file's end.
 * Here a line ends at CRLF, CR or LF, as in VS Code's text model, so the CLI prints the place the
 * editor shows.
 */
import { LineCounter } from 'yaml';

/** The offset of the first character of each line: always starts with 0. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 /* \r */) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (c === 10 /* \n */) {
      starts.push(i + 1);
    }
  }
  return starts;
}

/**
 * A `LineCounter` (the type the parsed scenario carries) whose line starts are the text's own, so
 * every consumer of `parsed.lineCounter` (CLI, arbiter, editor test items, completion) agrees with
 * the editor. `linePos` gives 1-based line and column in UTF-16 code units.
 */
export function textLineCounter(text: string): LineCounter {
  const counter = new LineCounter();
  for (const start of lineStarts(text)) counter.addNewLine(start);
  return counter;
}

/**
 * The 1-based line and column of `offset` (clamped to the text) for the line starts of a text. An
 * offset inside a CRLF pair counts as the end of its line.
 */
export function positionIn(starts: readonly number[], textLength: number, offset: number): { line: number; column: number } {
  const at = Math.min(Math.max(0, Math.floor(offset)), textLength);
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid]! <= at) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: at - starts[low]! + 1 };
}

/** The offset of a 1-based line and column: the inverse of `positionIn` for positions inside the text. */
export function offsetIn(starts: readonly number[], line: number, column: number): number {
  return (starts[line - 1] ?? Number.NaN) + column - 1;
}
