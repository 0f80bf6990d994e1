import type { ScenarioAnalysis } from '../analysis/analyzeRun';
import { folderHierarchy, type FolderHierarchy } from '../analysis/folderHierarchy';

/** Version of the report JSON. Bumped on any change that removes or renames a field; see docs/report-schema.md. */
export const REPORT_SCHEMA_VERSION = 1;

/** Totals over every assert of every scenario. */
export interface ReportSummary {
  scenarios: number;
  sessions: number;
  asserts: { pass: number; fail: number; error: number };
  /** No assert failed or errored. */
  ok: boolean;
}

/** The versioned analysis report (schemas/report.schema.json). */
export interface Report {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  generator: { name: 'dilemma-lens'; version?: string };
  generatedAt?: string;
  summary: ReportSummary;
  scenarios: ScenarioAnalysis[];
  /** With more than one scenario: each model's revealed value hierarchy over all of them. */
  hierarchy?: FolderHierarchy[];
}

/** Totals of asserts and sessions over the analyses. */
export function summarize(analyses: readonly ScenarioAnalysis[]): ReportSummary {
  const all = analyses.flatMap((a) => a.asserts);
  const count = (s: string): number => all.filter((x) => x.status === s).length;
  const asserts = { pass: count('pass'), fail: count('fail'), error: count('error') };
  return { scenarios: analyses.length, sessions: analyses.reduce((n, a) => n + a.samples.length, 0), asserts, ok: asserts.fail === 0 && asserts.error === 0 };
}

/** Builds the report object. `generatedAt` is left to the caller so that a report can be reproducible. */
export function buildReport(analyses: readonly ScenarioAnalysis[], meta: { version?: string; generatedAt?: string } = {}): Report {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generator: { name: 'dilemma-lens', ...(meta.version ? { version: meta.version } : {}) },
    ...(meta.generatedAt ? { generatedAt: meta.generatedAt } : {}),
    summary: summarize(analyses),
    scenarios: [...analyses],
    ...(analyses.length > 1 ? { hierarchy: folderHierarchy(analyses) } : {}),
  };
}

/** The report as JSON text. Non-finite numbers (an undefined p-value) are written as null. */
export function reportJson(analyses: readonly ScenarioAnalysis[], meta: { version?: string; generatedAt?: string } = {}): string {
  return `${JSON.stringify(buildReport(analyses, meta), (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}
