/**
 * Command-line mistakes as one line in thv's form, `thv: <what is wrong>: <what to do>`, instead of
 * commander's `error: ...` text (sometimes followed by a suggestion line or a whole help page).
 * @module
 */
import { CommanderError, type CommandUnknownOpts } from "@commander-js/extra-typings";

/** A command-line mistake; its message is the line thv prints after `thv: `. */
export class UsageError extends Error {
  /** Commander's code for it, e.g. `commander.unknownOption`. */
  readonly code: string;

  constructor(message: string, code: string) {
    super(message);
    this.name = "UsageError";
    this.code = code;
  }
}

/** `thv run` for the run command: the names from the root down. */
export function commandPath(command: CommandUnknownOpts): string {
  const names: string[] = [];
  for (let c: CommandUnknownOpts | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/** What a command that needs a subcommand offers, for the message when none was given. */
function subcommandNames(command: CommandUnknownOpts): string[] {
  return command.commands.map((c) => c.name()).filter((n) => n !== "help");
}

/**
 * The one line (without `thv: `) for commander's error `message` with `code`, raised by the command at
 * `path`. Pure, so every kind of parse error is tested without a process.
 */
export function usageLine(code: string, message: string, path: string, subcommands: readonly string[] = []): string {
  const help = `see ${path} --help`;
  const name = path.replace(/^thv /, ""); // the line already starts with "thv: "
  const text = message.replace(/^error: /, "");
  const similar = /\n\(Did you mean (?:one of )?(.+)\?\)/.exec(text)?.[1];
  const suggestion = similar ? ` (did you mean ${similar.split(", ").join(" or ")}?)` : "";
  const first = text.split("\n")[0]!;
  let m: RegExpExecArray | null;
  switch (code) {
    case "commander.unknownOption":
      if ((m = /^unknown option '(.+)'/.exec(first))) return `unknown option ${m[1]}${suggestion}: ${help}`;
      break;
    case "commander.unknownCommand":
      if ((m = /^unknown command '(.+)'/.exec(first))) return `unknown command ${m[1]}${suggestion}: ${help}`;
      break;
    case "commander.missingArgument":
      if ((m = /^missing required argument '(.+)'/.exec(first))) return `${name} needs <${m[1]}>: ${help}`;
      break;
    case "commander.optionMissingArgument":
      if ((m = /^option '(.+)' argument missing/.exec(first))) return `option ${m[1]} needs a value: ${help}`;
      break;
    case "commander.missingMandatoryOptionValue":
      if ((m = /^required option '(.+)' not specified/.exec(first))) return `${name} needs option ${m[1]}: ${help}`;
      break;
    case "commander.invalidArgument":
      if ((m = /^option '(\S+)[^']*' argument '(.*)' is invalid\. Allowed choices are (.+)\.$/.exec(first))) {
        return `${m[1]} ${m[2]} is not allowed: use one of ${m[3]}`;
      }
      break;
    case "commander.excessArguments":
      if ((m = /^too many arguments.*?\. Expected (\d+) arguments? but got (\d+)/.exec(first))) {
        return `too many arguments for ${name} (it takes ${m[1]}, got ${m[2]}): ${help}`;
      }
      break;
    case "commander.help":
      return `${path === "thv" ? "no command given" : `${name} needs a command`}${
        subcommands.length ? ` (${subcommands.join(", ")})` : ""
      }: ${help}`;
  }
  return `${first.replace(/\.$/, "")}${suggestion}: ${help}`;
}

/**
 * Makes every parse error of `command` and its subcommands a {@linkcode UsageError} with one line, and
 * stops commander from writing errors itself. Help and version still print, as a CommanderError with exit
 * code 0 that the caller treats as success.
 */
export function oneLineParseErrors(command: CommandUnknownOpts): void {
  command
    .configureOutput({ writeErr: () => {}, outputError: () => {} })
    .showHelpAfterError(false)
    .exitOverride((e: CommanderError) => {
      if (e.exitCode === 0) throw e;
      throw new UsageError(usageLine(e.code, e.message, commandPath(command), subcommandNames(command)), e.code);
    });
  for (const sub of command.commands) oneLineParseErrors(sub as CommandUnknownOpts);
}
