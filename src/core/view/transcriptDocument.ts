/** The transcript of one session as a plain document, for VS Code's diff editor (baseline against variant). */
import type { SessionRecord } from '../run/record';

/** The session of `variant` a comparison uses: the same persona and sample as asked, else the first one recorded. */
export function pickSession(records: readonly SessionRecord[], model: string, variant: string, persona = 0, sample = 0): SessionRecord | undefined {
  const mine = records.filter((r) => r.model === model && r.variant === variant);
  return mine.find((r) => r.persona === persona && r.sample === sample) ?? [...mine].sort((a, b) => a.persona - b.persona || a.sample - b.sample)[0];
}

/** One message per block, with the role as a heading, so the diff lines up turn by turn. */
export function transcriptDocument(record: SessionRecord | undefined, variant: string): string {
  if (!record) return `No session of ${variant} is recorded yet: run it first.\n`;
  const head = `# ${record.variant} · ${record.model} · sample ${record.sample + 1}, persona ${record.persona + 1} (${record.status})\n`;
  const turns = (record.transcript ?? []).map((m) => `## ${m.role}\n${m.content.trim()}\n`);
  if (turns.length === 0) return `${head}\nThis session has no transcript.\n`;
  return `${head}\n${turns.join('\n')}`;
}
