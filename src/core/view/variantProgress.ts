/** Per-variant progress of a run, for the progress notification: "baseline 10/10 · pharma 3/10". */
export class VariantProgress {
  private readonly total = new Map<string, number>();
  private readonly done = new Map<string, number>();

  /** @param planned the variant of every session this invocation runs */
  constructor(planned: Iterable<string>) {
    for (const v of planned) this.total.set(v, (this.total.get(v) ?? 0) + 1);
  }

  /** Counts one ended session of `variant`. */
  add(variant: string): void {
    this.done.set(variant, (this.done.get(variant) ?? 0) + 1);
  }

  get sessions(): number {
    return [...this.total.values()].reduce((a, b) => a + b, 0);
  }

  text(): string {
    return [...this.total].map(([v, n]) => `${v} ${this.done.get(v) ?? 0}/${n}`).join(' · ');
  }
}
