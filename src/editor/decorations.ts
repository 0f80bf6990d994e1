import * as vscode from 'vscode';
import { FROM_REPOSITORY_LABEL } from '../core/view/repositoryResults';
import { createPlanMemo, decorationPlan, type DecorationPlan, type PlanMemo, type VariantKind } from '../core/view/decorationPlan';
import { rankMarks, type RankMark } from '../core/view/rankMarks';
import type { StatedTone } from '../core/view/statedAction';
import { COLORS, LANGUAGE_ID } from './ids';
import type { ModelSelection } from './modelSelection';
import type { ResultsStore } from './resultsStore';
import type { ParseCache } from './scenarioDocuments';

/** A decoration as applied, in line/character terms, for tests and the extension API. */
export interface AppliedDecoration {
  line: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
  text?: string;
  /** The hover's Markdown source, as handed to the editor. */
  hover?: string;
}

/** What the owner applied to an editor, per decoration type (`stated-<tone>`: the stated-versus-action marks). */
export type AppliedDecorations = Record<DecorationKey, AppliedDecoration[]> & { model: string; picked: string };

const KINDS: readonly VariantKind[] = ['aligned', 'diverging', 'failed'];
const TONES: readonly StatedTone[] = ['agree', 'mixed', 'against', 'none'];
type StatedKey = `stated-${StatedTone}`;
type DecorationKey = VariantKind | 'items' | 'changed' | 'ranks' | StatedKey;
const KEYS: readonly DecorationKey[] = [...KINDS, 'items', 'changed', 'ranks', ...TONES.map((t) => `stated-${t}` as const)];

/**
 * The line tint of a diverging or failed variant and of a stated-versus-action mark with a share
 * against: the Testing view's glyphs take the glyph margin on every line that carries a test, so the
 * divergence signal is the line background and the overview ruler, never a gutter icon.
 */
const TINT = { amber: 'rgba(210, 153, 34, 0.10)', red: 'rgba(248, 81, 73, 0.10)' } as const;
const TONE_COLOUR: Record<StatedTone, string> = { agree: COLORS.aligned, mixed: COLORS.diverging, against: COLORS.failed, none: COLORS.summary };

/**
 * The one owner of result decorations: on each pass it computes the plan (a pure function of the
 * file and its results) and sets every decoration type, with empty arrays clearing what no longer holds.
 */
export class ResultDecorations implements vscode.Disposable {
  private readonly types: Record<DecorationKey, vscode.TextEditorDecorationType>;
  private readonly subscriptions: vscode.Disposable[];
  private readonly applied = new Map<string, AppliedDecorations>();
  /** Per document, what the last plan can hand the next (unchanged variants are not rebuilt on a results update). */
  private readonly memos = new Map<string, PlanMemo>();
  private pending: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly cache: ParseCache,
    private readonly store: ResultsStore,
    private readonly selection?: ModelSelection,
  ) {
    const variantType = (kind: VariantKind, colour: string, tint?: string): vscode.TextEditorDecorationType =>
      vscode.window.createTextEditorDecorationType({
        isWholeLine: true,
        ...(tint ? { backgroundColor: tint } : {}),
        overviewRulerColor: new vscode.ThemeColor(colour),
        overviewRulerLane: vscode.OverviewRulerLane.Left,
        after: { color: new vscode.ThemeColor(colour), margin: '0 0 0 2em', fontStyle: kind === 'aligned' ? 'normal' : 'italic' },
      });
    const statedType = (tone: StatedTone): vscode.TextEditorDecorationType =>
      vscode.window.createTextEditorDecorationType({
        isWholeLine: true,
        ...(tone === 'against' ? { backgroundColor: TINT.red } : tone === 'mixed' ? { backgroundColor: TINT.amber } : {}),
        ...(tone === 'none' ? {} : { overviewRulerColor: new vscode.ThemeColor(TONE_COLOUR[tone]), overviewRulerLane: vscode.OverviewRulerLane.Right }),
        after: { color: new vscode.ThemeColor(TONE_COLOUR[tone]), margin: '0 0 0 2em' },
      });
    this.types = {
      aligned: variantType('aligned', COLORS.aligned),
      diverging: variantType('diverging', COLORS.diverging, TINT.amber),
      failed: variantType('failed', COLORS.failed, TINT.red),
      'stated-agree': statedType('agree'),
      'stated-mixed': statedType('mixed'),
      'stated-against': statedType('against'),
      'stated-none': statedType('none'),
      items: vscode.window.createTextEditorDecorationType({ after: { color: new vscode.ThemeColor(COLORS.summary), margin: '0 0 0 2em' } }),
      changed: vscode.window.createTextEditorDecorationType({
        backgroundColor: new vscode.ThemeColor(COLORS.changedWordBackground),
        borderRadius: '2px',
        textDecoration: `underline dotted`,
      }),
      // A `rank` entry the model's revealed order inverts: underlined, the short text after its line.
      ranks: vscode.window.createTextEditorDecorationType({
        textDecoration: 'underline wavy',
        overviewRulerColor: new vscode.ThemeColor(COLORS.diverging),
        overviewRulerLane: vscode.OverviewRulerLane.Right,
        after: { color: new vscode.ThemeColor(COLORS.diverging), margin: '0 0 0 2em', fontStyle: 'italic' },
      }),
    };
    this.subscriptions = [
      store.onDidChange(() => this.schedule()),
      ...(selection ? [selection.onDidChange(() => this.schedule())] : []),
      vscode.window.onDidChangeVisibleTextEditors(() => this.schedule()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.languageId === LANGUAGE_ID) this.schedule();
      }),
    ];
    this.refresh();
  }

  /** What was applied to the visible editor of `uri` on the last pass. */
  appliedTo(uri: vscode.Uri): AppliedDecorations | undefined {
    return this.applied.get(uri.toString());
  }

  private schedule(): void {
    this.pending ??= setTimeout(() => {
      this.pending = undefined;
      this.refresh();
    }, 50);
  }

  /** Sets every decoration type on every visible scenario editor. */
  refresh(): void {
    this.applied.clear();
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.languageId !== LANGUAGE_ID) continue;
      this.apply(editor);
    }
    // Memos only for what is shown: a file shown again starts from a full plan.
    for (const uri of [...this.memos.keys()]) if (!this.applied.has(uri)) this.memos.delete(uri);
  }

  private ranksFor(doc: vscode.TextDocument): RankMark[] {
    const analysis = this.store.get(doc.uri)?.analysis;
    return analysis && this.cache.get(doc).scenario ? rankMarks(doc.getText(), analysis) : [];
  }

  private planFor(doc: vscode.TextDocument): DecorationPlan | undefined {
    const results = this.store.get(doc.uri);
    const scenario = this.cache.get(doc).scenario;
    if (!results?.analysis || !scenario) {
      this.memos.delete(doc.uri.toString());
      return undefined;
    }
    let memo = this.memos.get(doc.uri.toString());
    if (!memo) this.memos.set(doc.uri.toString(), (memo = createPlanMemo()));
    // The picked model: the first of the model selection that has results here (else the plan takes the run's first).
    const picked = this.selection?.current.find((m) => results.analysis!.models.includes(m));
    return decorationPlan(scenario, doc.getText(), results.analysis, results.records, undefined, memo, results.labelOf, picked);
  }

  private apply(editor: vscode.TextEditor): void {
    const doc = editor.document;
    const plan = this.planFor(doc);
    const options = Object.fromEntries(KEYS.map((k) => [k, [] as vscode.DecorationOptions[]])) as Record<DecorationKey, vscode.DecorationOptions[]>;
    const fromRepository = this.store.get(doc.uri)?.fromRepository;
    const hover = (md: string): vscode.MarkdownString => {
      const m = new vscode.MarkdownString(fromRepository ? `$(shield) **Results ${FROM_REPOSITORY_LABEL}**: not made on this machine.\n\n${md}` : md);
      m.supportThemeIcons = true;
      return m;
    };
    if (plan) {
      for (const v of plan.variants) {
        options[v.kind].push({ range: new vscode.Range(doc.positionAt(v.line), doc.positionAt(v.at)), hoverMessage: hover(v.hover), renderOptions: { after: { contentText: v.text } } });
      }
      for (const i of plan.items) {
        const at = doc.positionAt(i.at);
        options.items.push({ range: new vscode.Range(at, at), ...(i.hover ? { hoverMessage: hover(i.hover) } : {}), renderOptions: { after: { contentText: i.text } } });
      }
      for (const m of plan.stated) {
        options[`stated-${m.tone}`].push({ range: new vscode.Range(doc.positionAt(m.line), doc.positionAt(m.at)), hoverMessage: hover(m.hover), renderOptions: { after: { contentText: m.text } } });
      }
      for (const c of plan.changed) {
        options.changed.push({ range: new vscode.Range(doc.positionAt(c.range.start), doc.positionAt(c.range.end)), hoverMessage: hover(c.hover) });
      }
    }
    if (plan) {
      for (const r of this.ranksFor(doc)) {
        options.ranks.push({ range: new vscode.Range(doc.positionAt(r.range.start), doc.positionAt(r.range.end)), hoverMessage: hover(r.hover) });
        // The short text sits at the end of the entry's line (a decoration of its own, so the hover stays on the entry).
        const end = doc.positionAt(r.at);
        options.ranks.push({ range: new vscode.Range(end, end), renderOptions: { after: { contentText: r.text } } });
      }
    }
    const applied = { model: plan?.model ?? '', picked: plan?.picked ?? '' } as AppliedDecorations;
    for (const key of KEYS) {
      editor.setDecorations(this.types[key], options[key]);
      applied[key] = options[key].map((o) => ({
        line: o.range.start.line,
        startCharacter: o.range.start.character,
        endLine: o.range.end.line,
        endCharacter: o.range.end.character,
        ...(o.renderOptions?.after?.contentText ? { text: o.renderOptions.after.contentText } : {}),
        ...(o.hoverMessage instanceof vscode.MarkdownString ? { hover: o.hoverMessage.value } : {}),
      }));
    }
    this.applied.set(doc.uri.toString(), applied);
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    for (const s of this.subscriptions) s.dispose();
    for (const t of Object.values(this.types)) t.dispose();
  }
}
