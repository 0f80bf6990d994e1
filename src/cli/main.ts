import { UsageError, type CliCommand, type CliIo } from './argv';
import pkg from '../../package.json';

/** Every CLI command, one line each, loaded only when it runs. */
const commands: Record<string, () => Promise<CliCommand>> = {
  validate: async () => (await import('./validateCommand')).validateCommand,
  sem: async () => (await import('./semCommand')).semCommand,
  run: async () => (await import('./runCommand')).runCommandModule,
  analyze: async () => (await import('./analyzeCommand')).analyzeCommand,
  merge: async () => (await import('./mergeCommand')).mergeCommand,
  compare: async () => (await import('./compareCommand')).compareCommand,
  arbitrate: async () => (await import('./arbitrateCommand')).arbitrateCommand,
  bench: async () => (await import('./benchCommand')).benchCommandModule,
  import: async () => (await import('./importCommand')).importCommand,
  export: async () => (await import('./exportCommand')).exportCommand,
};

async function help(io: CliIo): Promise<void> {
  const lines: string[] = [];
  for (const [name, load] of Object.entries(commands)) lines.push(`  ${name.padEnd(10)}${(await load()).summary}`);
  io.stdout(`Dilemma Lens ${pkg.version}: run value-conflict scenarios against language models.\n\nusage: dilemma <command> [options]\n\ncommands:\n${lines.join('\n')}\n\n  dilemma <command> --help   shows a command's options\n  dilemma --version          prints the version\n`);
}

/** Runs the CLI with `argv` (without `node` and the script) and resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    await help(io);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${pkg.version}\n`);
    return 0;
  }
  const load = commands[name];
  if (!load) {
    io.stderr(`dilemma: unknown command "${name}". Commands: ${Object.keys(commands).join(', ')}. See dilemma --help.\n`);
    return 2;
  }
  try {
    return await (await load()).run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`dilemma ${name}: ${e.message}\nSee dilemma ${name} --help.\n`);
      return 2;
    }
    throw e;
  }
}

if (require.main === module) {
  const io: CliIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), cwd: process.cwd() };
  main(process.argv.slice(2), io).then(
    (code) => { process.exitCode = code; },
    (e: unknown) => {
      process.stderr.write(`dilemma: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 3;
    },
  );
}
