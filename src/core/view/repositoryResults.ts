/**
 * What an untrusted workspace may show and send (Restricted Mode). Results saved in a workspace's
 * `.dilemma/runs` come with the repository when they were not made here: a cloned repository can plant
 * fabricated results whose hash matches its scenario. Pure, so the rules are unit-tested; the editor
 * asks `vscode.workspace.isTrusted` and keeps the opt-in.
 */

/** Whether saved results found on disk are shown, and how they are labelled. */
export type SavedResultsDecision =
  | { show: true; fromRepository: boolean }
  | { show: false; offer: true };

/**
 * Trusted: saved results show as the workspace's own. Untrusted: they show only after the person opts
 * in ("Show results from this repository"), labelled as from the repository; until then they are withheld
 * and the opt-in is offered.
 */
export function savedResultsDecision(state: { trusted: boolean; optedIn: boolean }): SavedResultsDecision {
  if (state.trusted) return { show: true, fromRepository: false };
  return state.optedIn ? { show: true, fromRepository: true } : { show: false, offer: true };
}

/** The label a figure from a repository's saved results carries, everywhere it is shown. */
export const FROM_REPOSITORY_LABEL = 'from the repository (untrusted)';

/** The notification that offers saved results in Restricted Mode. */
export function withheldMessage(scenarioId: string): string {
  return `Dilemma Lens: this untrusted workspace holds saved results for "${scenarioId}". They were not made on this machine and may be fabricated, so they are not shown.`;
}

/** The opt-in button and command title. */
export const SHOW_REPOSITORY_RESULTS = 'Show results from this repository';

/**
 * Listing a provider's models (`GET /v1/models`) sends its stored API key: like a run, only in a trusted
 * workspace. Untrusted, the reason is shown in the picker instead of the list.
 */
export function modelListingDecision(trusted: boolean, provider: { id: string }): { list: true } | { list: false; reason: string } {
  if (trusted) return { list: true };
  return { list: false, reason: `Not listed in an untrusted workspace: listing sends ${provider.id}'s stored API key to its base URL. Trust the workspace, or give the provider's "models" in your user settings.` };
}
