import * as fs from 'node:fs';
import * as path from 'node:path';
import { arbitrate, ArbitrationInputError, loadScenario, ScenarioLoadError } from '../core/analysis/arbitration';
import { flagHelp, parseArgv, UsageError, type CliCommand, type CliIo, type FlagSpec } from './argv';

const flags: readonly FlagSpec[] = [
  { name: 'var', kind: 'string', multiple: true, description: 'a var of the context, NAME=VALUE; overrides the variant\'s and the scenario\'s' },
  { name: 'stated', kind: 'string', multiple: true, description: 'a stated score, VALUE=SCORE on that value\'s own scale (e.g. privacy=6.5); a value left out is not held' },
  { name: 'variant', kind: 'string', description: 'start from this variant\'s vars (default: the scenario\'s defaults only)' },
  { name: 'persona', kind: 'string', description: 'start from this personas entry\'s vars (0-based index)' },
  { name: 'help', short: 'h', kind: 'boolean', description: 'show this help' },
];

/** `NAME=VALUE` pairs of a repeated flag, in order; the first `=` splits. */
function pairs(flag: string, list: readonly string[]): [string, string][] {
  return list.map((entry) => {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new UsageError(`--${flag} takes NAME=VALUE, got "${entry}"`);
    return [entry.slice(0, eq), entry.slice(eq + 1)];
  });
}

/**
 * `dilemma arbitrate <file> --var k=v ... [--stated value=score ...]`: the arbiter's decision for one
 * context as JSON, `{ decision, rule, because, by, values }`, from the same code as the
 * `dilemma-lens/arbiter` library and the analysis.
 */
export const arbitrateCommand: CliCommand = {
  summary: 'print the arbitration rules\' decision for a context (vars, stated scores) as JSON',
  usage: `usage: dilemma arbitrate <file> [--var NAME=VALUE ...] [--stated VALUE=SCORE ...] [--variant NAME] [--persona N]\n\n${flagHelp(flags)}\n\nPrints { decision, rule, because, by, values } as JSON (docs/arbiter.md); decision is null when nothing decides.\nExit code: 0 printed, 1 the scenario has errors (each printed as file:line:col), 2 usage error, unreadable file or a context the scenario does not know.`,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const parsed = parseArgv(args, flags);
    if (parsed.bool('help')) {
      io.stdout(`${arbitrateCommand.usage}\n`);
      return 0;
    }
    if (parsed.positionals.length !== 1) throw new UsageError(`give exactly one scenario file, got ${parsed.positionals.length}`);
    const file = parsed.positionals[0]!;
    const vars = Object.fromEntries(pairs('var', parsed.list('var')));
    const stated: Record<string, number> = {};
    for (const [name, text] of pairs('stated', parsed.list('stated'))) {
      if (!/^-?\d+(\.\d+)?$/.test(text.trim())) throw new UsageError(`--stated ${name}=${text}: the score must be a number`);
      stated[name] = Number(text);
    }
    const personaText = parsed.string('persona');
    if (personaText !== undefined && !/^\d+$/.test(personaText)) throw new UsageError(`--persona takes a 0-based index, got "${personaText}"`);
    let text: string;
    try {
      text = fs.readFileSync(path.resolve(io.cwd, file), 'utf8');
    } catch (e) {
      io.stderr(`dilemma arbitrate: cannot read ${file}: ${(e as Error).message}\n`);
      return 2;
    }
    try {
      const scenario = loadScenario(text);
      const variant = parsed.string('variant');
      const decision = arbitrate(scenario, { vars, stated, ...(variant !== undefined ? { variant } : {}), ...(personaText !== undefined ? { persona: Number(personaText) } : {}) });
      io.stdout(`${JSON.stringify(decision, null, 2)}\n`);
      return 0;
    } catch (e) {
      if (e instanceof ScenarioLoadError) {
        for (const p of e.problems) io.stderr(`${file}:${p.line}:${p.column}: error: ${p.message} [${p.code}]\n`);
        return 1;
      }
      if (e instanceof ArbitrationInputError) {
        io.stderr(`dilemma arbitrate: ${e.message}\n`);
        return 2;
      }
      throw e;
    }
  },
};
