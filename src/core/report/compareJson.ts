import { COMPARISON_SCHEMA_VERSION, type RunComparison } from '../analysis/compare';

/** The versioned comparison document (schemas/comparison.schema.json, docs/report-schema.md). */
export interface ComparisonReport extends RunComparison {
  schemaVersion: typeof COMPARISON_SCHEMA_VERSION;
  kind: 'comparison';
  generator: { name: 'dilemma-lens'; version?: string };
  generatedAt?: string;
}

/** Builds the comparison document. `generatedAt` is left to the caller so a report can be reproducible. */
export function buildComparisonReport(c: RunComparison, meta: { version?: string; generatedAt?: string } = {}): ComparisonReport {
  return {
    schemaVersion: COMPARISON_SCHEMA_VERSION,
    kind: 'comparison',
    generator: { name: 'dilemma-lens', ...(meta.version ? { version: meta.version } : {}) },
    ...(meta.generatedAt ? { generatedAt: meta.generatedAt } : {}),
    ...c,
  };
}

/** The comparison as JSON text. Non-finite numbers are written as null. */
export function comparisonJson(c: RunComparison, meta: { version?: string; generatedAt?: string } = {}): string {
  return `${JSON.stringify(buildComparisonReport(c, meta), (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}
