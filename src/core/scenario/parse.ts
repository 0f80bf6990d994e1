import { Document, LineCounter, parseDocument } from 'yaml';
import type { Problem, Scenario } from './model';

/** A parsed scenario file: the YAML document with offsets, the model built from it, and its problems. */
export interface ParsedScenario {
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** Undefined only when the root is not a mapping. */
  scenario?: Scenario;
  /** YAML syntax problems and structural/type problems. */
  problems: Problem[];
}

/** Parses a scenario file. Never throws. */
export function parseScenario(text: string): ParsedScenario {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  return { text, doc, lineCounter, problems: [] };
}
