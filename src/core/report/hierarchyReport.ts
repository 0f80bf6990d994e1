/**
 * The declared, stated and revealed value hierarchies (analysis/hierarchy.ts, folderHierarchy.ts) as
 * text lines and Markdown, from one set of phrases so that the terminal and the Markdown report agree.
 */
import type { BtResult } from '../analysis/bradleyTerry';
import type { FolderHierarchy } from '../analysis/folderHierarchy';
import type { HierarchyPanel, TauComparison } from '../analysis/hierarchy';

const num = (x: number | null | undefined, digits = 2): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));
const pval = (p: number | null | undefined): string => (p === null || p === undefined || !Number.isFinite(p) ? '–' : p < 0.001 ? '< 0.001' : p.toFixed(3));
const signed = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;

/** "privacy +0.00 (reference), prosocial −0.85 [−1.30, −0.40]" in strength order, with the fit's method and n. */
export function strengthsPhrase(fit: BtResult): string {
  if (!fit.ok) return `no strengths: ${fit.failure} (${fit.comparisons} comparisons)`;
  const by = new Map(fit.strengths.map((s) => [s.value, s]));
  const list = fit.order.map((v) => {
    const s = by.get(v)!;
    return s.ci ? `${v} ${signed(s.strength)} [${signed(s.ci[0])}, ${signed(s.ci[1])}]` : `${v} ${signed(s.strength)} (reference)`;
  });
  const how = fit.method === 'firth' ? `Firth, because ${fit.separation}` : 'ML';
  return `${list.join(', ')} (Bradley-Terry, ${how}; ${fit.comparisons} comparisons${fit.uncompared.length ? `; never compared: ${fit.uncompared.join(', ')}` : ''})`;
}

/** "Kendall tau_b 0.33 (exact p 1.000, 3 values)". */
export function tauPhrase(t: TauComparison): string {
  return `Kendall tau_b ${num(t.tau)} (${t.method === 'none' ? 'undefined' : `${t.method} p ${pval(t.p)}`}, ${t.n} values)`;
}

/** The hierarchy lines of one model, for text (indented) and Markdown (as list items). */
export function hierarchyLines(h: HierarchyPanel): string[] {
  const out = [`revealed hierarchy, from ${h.decisions} decisions: ${strengthsPhrase(h.revealed)}`];
  if (h.declared) {
    out.push(`declared rank (rule ${h.declared.rule + 1}): ${h.declared.order.join(' > ')}; against the revealed order: ${h.tauDeclared ? tauPhrase(h.tauDeclared) : 'not comparable (fewer than two values with a revealed strength)'}`);
    for (const inv of h.inversions) {
      out.push(`inverted: ${inv.lower} is revealed above ${inv.higher} (declared below it): ${inv.lower} won ${inv.lowerWins} of ${inv.lowerWins + inv.higherWins} decisions between the two (exact binomial p ${pval(inv.p)})`);
    }
  }
  if (h.stated) {
    out.push(`stated hierarchy (principle question, ${h.stated.read} of ${h.stated.asked} answers read): ${strengthsPhrase(h.stated.fit)}`);
    if (h.tauStated) out.push(`stated against revealed: ${tauPhrase(h.tauStated)}`);
  }
  if (h.kl) {
    const dist = (counts: number[]): string => h.kl!.outcomes.map((o, i) => `${o} ${counts[i]}`).join(', ');
    out.push(`principle framing against context: KL(context || principle) ${num(h.kl.kl, 3)} nats (principle implies ${dist(h.kl.principle)}; context took ${dist(h.kl.context)}; chance p ${pval(h.kl.chance.p)}, ${h.kl.chance.draws} permutations)`);
  }
  return out;
}

/** The folder-wide lines of one model. */
export function folderHierarchyLines(f: FolderHierarchy): string[] {
  const out = [`${f.model} over ${f.scenarios.length} scenario${f.scenarios.length === 1 ? '' : 's'} (${f.scenarios.join(', ')}): ${strengthsPhrase(f.revealed)}`];
  const judged = f.declaredPairs.filter((d) => d.inverted !== null);
  if (judged.length) {
    const inverted = judged.filter((d) => d.inverted);
    out.push(`declared pairs kept by the revealed order: ${judged.length - inverted.length} of ${judged.length}${inverted.length ? `; inverted: ${inverted.map((d) => `${d.lower} above ${d.higher} (declared in ${d.scenarios.join(', ')})`).join('; ')}` : ''}`);
  }
  if (f.stated) out.push(`stated: ${strengthsPhrase(f.stated.fit)}${f.tauStated ? `; against revealed: ${tauPhrase(f.tauStated)}` : ''}`);
  return out;
}
