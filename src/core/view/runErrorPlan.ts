/**
 * What the editor says when a run cannot start or stops early, and which button fixes it. Pure, so
 * each case (no key, unreachable endpoint, unknown model, invalid scenario) is unit-tested.
 */
import type { ModelErrorKind } from '../models/chatModel';

/** The button offered with an error: each one leads to the place where the problem is fixed. */
export type RunFix =
  | { kind: 'setApiKey'; label: 'Set API key'; provider: string }
  | { kind: 'openSettings'; label: 'Open settings' }
  | { kind: 'showProblem'; label: 'Show problem'; offset: number }
  | { kind: 'pickModel'; label: 'Pick model' };

export interface RunErrorPlan {
  message: string;
  fix?: RunFix;
}

/** The ways a run fails that a person can act on. */
export type RunFailure =
  | { kind: 'invalid-scenario'; message: string; offset: number; errors: number }
  | { kind: 'no-model' }
  | { kind: 'unknown-provider'; model: string; provider: string; known: string[] }
  | { kind: 'missing-key'; model: string; provider: string }
  | { kind: 'unknown-lm-model'; model: string }
  | { kind: 'stopped'; model: string; errorKind: ModelErrorKind | undefined; provider: string; reason: string };

/** The message and fix button for a failure. */
export function runErrorPlan(f: RunFailure): RunErrorPlan {
  switch (f.kind) {
    case 'invalid-scenario':
      return {
        message: `The scenario has ${f.errors === 1 ? 'an error' : `${f.errors} errors`}, so it cannot run: ${f.message}`,
        fix: { kind: 'showProblem', label: 'Show problem', offset: f.offset },
      };
    case 'no-model':
      return { message: 'No model is selected: pick one (or several) to run the scenario against.', fix: { kind: 'pickModel', label: 'Pick model' } };
    case 'unknown-provider':
      return {
        message: `${f.model}: no provider "${f.provider}" is configured${f.known.length ? ` (configured: ${f.known.join(', ')})` : ''}. Add it to dilemmaLens.providers in your user settings.`,
        fix: { kind: 'openSettings', label: 'Open settings' },
      };
    case 'missing-key':
      return { message: `${f.model}: the provider "${f.provider}" needs an API key, and none is set.`, fix: { kind: 'setApiKey', label: 'Set API key', provider: f.provider } };
    case 'unknown-lm-model':
      return { message: `${f.model}: VS Code offers no such language model now (is the extension that provides it installed and signed in?).`, fix: { kind: 'pickModel', label: 'Pick model' } };
    case 'stopped':
      if (f.errorKind === 'auth') {
        // The editor keeps keys in SecretStorage: say the key was refused and what the endpoint said,
        // not the engine's "could not be reached" nor where the CLI reads keys from.
        const status = /refused the credentials \((\d{3})\)/.exec(f.reason)?.[1];
        const said = /refused the credentials \(\d{3}\); check [^:]*: (.*)$/s.exec(f.reason)?.[1];
        return {
          message: `${f.model}: the endpoint refused the API key of provider "${f.provider}"${status ? ` (${status})` : ''}. Set the key again (it is kept in VS Code's secret storage).${said ? ` The endpoint said: ${said}` : ''}`,
          fix: { kind: 'setApiKey', label: 'Set API key', provider: f.provider },
        };
      }
      if (f.errorKind === 'not-found')
        return { message: `${f.model}: the endpoint does not know this model (or the base URL is wrong). ${f.reason}`, fix: { kind: 'openSettings', label: 'Open settings' } };
      return { message: `${f.model}: the endpoint could not be reached; check the provider's base URL. ${f.reason}`, fix: { kind: 'openSettings', label: 'Open settings' } };
  }
}

/** Reads the kind of a stop from the engine's reason text (`... could not be reached (kind): ...`). */
export function stoppedKind(reason: string | undefined): ModelErrorKind | undefined {
  const m = /could not be reached \(([a-z-]+)\)/.exec(reason ?? '');
  return (m?.[1] as ModelErrorKind | undefined) ?? undefined;
}
