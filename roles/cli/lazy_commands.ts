/**
 * Top-level commands that load on demand: a command's module (and all it imports) is imported only when
 * the command line names it. Which ones that is comes from reading argv the way commander will: past the
 * program's own options to the first operand. When argv names no command, or reads in any way commander
 * could answer with the command list (help, an unknown command or option), every command is built, so
 * what thv prints never depends on what was loaded. Pure.
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";

/** A top-level command: the names it answers to, and how to build it (its module is imported on the call). */
export interface LazyCommand {
  /** The command's name, then its aliases, as they appear on the command line. */
  readonly names: readonly string[];
  /** Imports the command's module and builds the command. */
  readonly build: () => Promise<CommandUnknownOpts>;
}

/**
 * The commands of `table` that parsing `argv` with `program` (which has only its own options yet) can
 * reach: none for `thv --version`, the one named, or all of them.
 */
export function commandsToBuild(
  program: CommandUnknownOpts,
  options: { readonly argv: readonly string[]; readonly table: readonly LazyCommand[] },
): readonly LazyCommand[] {
  const { argv, table } = options;
  const takesValue = new Set<string>();
  const flags = new Set<string>();
  let version: readonly string[] = [];
  for (const option of program.options) {
    const names = [option.long, option.short].filter((n): n is string => n !== undefined);
    if (option.attributeName() === "version") version = names;
    for (const name of names) (option.required || option.optional ? takesValue : flags).add(name);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    // Commander prints the version as soon as it reads the flag, before it looks at any command.
    if (version.includes(arg)) return [];
    if (flags.has(arg)) continue;
    if (takesValue.has(arg)) {
      if (i + 1 >= argv.length) break; // the missing value is the error, whatever else is loaded
      i++;
      continue;
    }
    const eq = arg.indexOf("=");
    if (arg.startsWith("--") && eq > 0 && takesValue.has(arg.slice(0, eq))) continue; // --log-format=json
    if (arg.startsWith("-")) break; // help, `--`, an unknown option: commander may print anything
    const named = table.find((entry) => entry.names.includes(arg));
    return named ? [named] : table; // an unknown command is answered with the names of all of them
  }
  return table;
}

/** Builds the commands `argv` needs (see {@linkcode commandsToBuild}) and adds them to `program`, in table order. */
export async function addCommandsFor(
  program: CommandUnknownOpts,
  options: { readonly argv: readonly string[]; readonly table: readonly LazyCommand[] },
): Promise<void> {
  const needed = commandsToBuild(program, options);
  for (const command of await Promise.all(needed.map((entry) => entry.build()))) program.addCommand(command);
}
