import assert from "node:assert/strict";
import { Command } from "@commander-js/extra-typings";
import { commandPath, oneLineParseErrors, UsageError, usageLine } from "./usage_errors.ts";

Deno.test("usageLine turns each kind of commander error into thv's one line", () => {
  const table: Array<[string, string, string, string]> = [
    [
      "commander.unknownOption",
      "error: unknown option '--prot'",
      "thv run",
      "unknown option --prot: see thv run --help",
    ],
    [
      "commander.unknownOption",
      "error: unknown option '--porxy-port'\n(Did you mean --proxy-port?)",
      "thv run",
      "unknown option --porxy-port (did you mean --proxy-port?): see thv run --help",
    ],
    [
      "commander.unknownCommand",
      "error: unknown command 'lst'\n(Did you mean one of list, rm?)",
      "thv",
      "unknown command lst (did you mean list or rm?): see thv --help",
    ],
    [
      "commander.missingArgument",
      "error: missing required argument 'names'",
      "thv stop",
      "stop needs <names>: see thv stop --help",
    ],
    [
      "commander.optionMissingArgument",
      "error: option '--name <name>' argument missing",
      "thv run",
      "option --name <name> needs a value: see thv run --help",
    ],
    [
      "commander.missingMandatoryOptionValue",
      "error: required option '--url <url>' not specified",
      "thv proxy",
      "proxy needs option --url <url>: see thv proxy --help",
    ],
    [
      "commander.invalidArgument",
      "error: option '--format <format>' argument 'yaml' is invalid. Allowed choices are text, json.",
      "thv list",
      "--format yaml is not allowed: use one of text, json",
    ],
    [
      "commander.excessArguments",
      "error: too many arguments for 'logs'. Expected 1 argument but got 3: a b c.",
      "thv logs",
      "too many arguments for logs (it takes 1, got 3): see thv logs --help",
    ],
    [
      "commander.conflictingOption",
      "error: option '--a' cannot be used with option '--b'.",
      "thv x",
      "option '--a' cannot be used with option '--b': see thv x --help",
    ],
  ];
  for (const [code, message, path, line] of table) assert.equal(usageLine(code, message, path), line, code);
  assert.equal(
    usageLine("commander.help", "(outputHelp)", "thv registry", ["list", "info"]),
    "registry needs a command (list, info): see thv registry --help",
  );
  assert.equal(usageLine("commander.help", "(outputHelp)", "thv", ["run"]), "no command given (run): see thv --help");
});

Deno.test("oneLineParseErrors reaches subcommands, writes nothing itself, and lets help through", async () => {
  const written: string[] = [];
  const program = new Command("thv");
  const run = new Command("run").argument("<server>").option("--port <n>").action(() => {})
    .configureOutput({ writeOut: (s) => written.push(s) });
  program.addCommand(new Command("group").addCommand(run));
  oneLineParseErrors(program);
  assert.equal(commandPath(run), "thv group run");
  await assert.rejects(program.parseAsync(["group", "run", "x", "--prot"], { from: "user" }), (e: Error) => {
    assert.ok(e instanceof UsageError);
    assert.equal(e.message, "unknown option --prot (did you mean --port?): see thv group run --help");
    return true;
  });
  await assert.rejects(program.parseAsync(["group", "run"], { from: "user" }), {
    name: "UsageError",
    message: "group run needs <server>: see thv group run --help",
  });
  await assert.rejects(program.parseAsync(["group", "run", "--help"], { from: "user" }), {
    code: "commander.helpDisplayed",
    exitCode: 0,
  });
  assert.match(written.join(""), /^Usage: thv group run \[options\] <server>/);
});
