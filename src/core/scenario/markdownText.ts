/**
 * Text from a model's answer or from a scenario file, made safe to put into Markdown that the editor
 * renders (hovers). Nothing such a text holds may render as markup: not an image (`![](https://x/b.png)`
 * is a beacon that fires on hover), not a link dressed as UI (`[Open settings](command:...)`), not HTML,
 * not an autolinked URL or e-mail address, not a theme icon (`$(zap)`), not emphasis or a code span.
 *
 * CommonMark renders every backslash-escaped ASCII punctuation character as itself, so each one gets a
 * backslash: `[`, `]`, `(`, `)`, `!`, `<`, `>`, `` ` ``, `*`, `_`, `&` (entities), `|` (table cells), `$`
 * (theme icons), and `:`, `.`, `@` and `/`, which break the autolink of `https://…`, `www.…` and
 * `a@b.c`. Line breaks become spaces: the text stays inline (no heading, list, quote or code block).
 */
export function markdownText(text: string): string {
  return text.replace(/\s*[\r\n\u2028\u2029]+\s*/g, ' ').replace(/[!-/:-@[-`{-~]/g, '\\$&');
}
