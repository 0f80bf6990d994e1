import type { Problem } from './model';
import { parseScenario, type ParsedScenario } from './parse';

/** All problems (parse + schema + semantic), sorted by range.start. */
export function validateScenario(parsed: ParsedScenario): Problem[] {
  return [...parsed.problems].sort((a, b) => a.range.start - b.range.start);
}

/** Parses and validates a scenario text in one step. */
export function checkScenario(text: string): { parsed: ParsedScenario; problems: Problem[] } {
  const parsed = parseScenario(text);
  return { parsed, problems: validateScenario(parsed) };
}
