/**
 * `dilemma-lens/arbiter`: a scenario's value hierarchy as a library a product can ship, the
 * "explicit value arbitration layer outside the model". Load a `*.dilemma.yaml` text once, then ask
 * for the decision in any context. No VS Code, no network, nothing from the file evaluated as code:
 * the same arbiter the analysis uses to judge a model's actions. Documented in docs/arbiter.md.
 *
 *     const { loadScenario, arbitrate } = require('dilemma-lens/arbiter');
 *     const scenario = loadScenario(fs.readFileSync('health-registry.dilemma.yaml', 'utf8'));
 *     arbitrate(scenario, { vars: { consent: 'not asked' } });
 *     // { decision: 'decline', rule: { index: 0, kind: 'when', line: 73, column: 5 }, because: 'Consent always overrides aggregate benefit.', ... }
 */
export { arbitrate, loadScenario, ArbitrationInputError, ScenarioLoadError } from '../core/analysis/arbitration';
export type { ArbiterScenario, ArbitrationContext, ArbitrationDecision, ScenarioProblem } from '../core/analysis/arbitration';
