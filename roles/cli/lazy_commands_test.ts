import assert from "node:assert/strict";
import { Command, CommanderError, type CommandUnknownOpts, Option } from "@commander-js/extra-typings";
import { addCommandsFor, commandsToBuild, type LazyCommand } from "./lazy_commands.ts";

/** A program with thv's global options, writing what commander prints into `out`. */
function program(out: string[]): CommandUnknownOpts {
  return new Command("thv")
    .version("1.2.3", "-V, --version")
    .option("--debug")
    .addOption(new Option("--log-format <format>").choices(["text", "json"] as const))
    .exitOverride()
    .configureOutput({ writeOut: (s) => void out.push(s), writeErr: (s) => void out.push(s) }) as CommandUnknownOpts;
}

/** Test commands; `built` lists the names of those whose module would have loaded. */
function table(built: string[], ran: string[]): LazyCommand[] {
  const entry = (name: string, aliases: string[] = []): LazyCommand => ({
    names: [name, ...aliases],
    build: () => {
      built.push(name);
      const command = new Command(name).aliases(aliases).option("--all").argument("[what]")
        .action((what) => void ran.push(`${name} ${what ?? ""}`.trim()));
      if (name === "registry") command.addCommand(new Command("list").action(() => void ran.push("registry list")));
      return Promise.resolve(command as unknown as CommandUnknownOpts);
    },
  });
  return [entry("run"), entry("list", ["ls"]), entry("registry"), entry("stop")];
}

Deno.test("commandsToBuild picks no command for --version, the one named, or all when argv names none", () => {
  const cases: Array<[string[], string[]]> = [
    [["--version"], []],
    [["-V"], []],
    [["--debug", "--log-format", "json", "--version"], []],
    [["--log-format=json", "-V", "run"], []],
    [["run", "fetch", "--all"], ["run"]],
    [["--debug", "ls", "-a"], ["list"]],
    [["--log-format", "text", "stop", "x"], ["stop"]],
    [["--log-format=text", "registry", "list"], ["registry"]],
    [["run", "--version"], ["run"]],
    [[], ["run", "list", "registry", "stop"]],
    [["--help"], ["run", "list", "registry", "stop"]],
    [["help", "run"], ["run", "list", "registry", "stop"]],
    [["runn"], ["run", "list", "registry", "stop"]],
    [["--bogus", "run"], ["run", "list", "registry", "stop"]],
    [["--", "run"], ["run", "list", "registry", "stop"]],
    [["--log-format"], ["run", "list", "registry", "stop"]],
  ];
  for (const [argv, expected] of cases) {
    const picked = commandsToBuild(program([]), { argv, table: table([], []) }).map((entry) => entry.names[0]);
    assert.deepEqual(picked, expected, `thv ${argv.join(" ")}`);
  }
});

/** What commander does with `argv` when the program has the commands `argv` needs, or all of them. */
async function outcome(argv: string[], all: boolean) {
  const out: string[] = [];
  const built: string[] = [];
  const ran: string[] = [];
  const thv = program(out);
  const commands = table(built, ran);
  if (all) { for (const entry of commands) thv.addCommand(await entry.build()); }
  else await addCommandsFor(thv, { argv, table: commands });
  for (const command of thv.commands) command.exitOverride().configureOutput(thv.configureOutput());
  let error = "";
  try {
    await thv.parseAsync(argv, { from: "user" });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    error = `${e.code} ${e.exitCode}`;
  }
  return { out: out.join(""), ran, error, built };
}

Deno.test("a program with only the commands argv needs prints, runs and fails as the one with all of them", async () => {
  const argvs = [
    ["--version"],
    ["--debug", "-V"],
    ["run", "x"],
    ["run", "--version"],
    ["ls", "--all"],
    ["list", "--bogus"],
    ["registry"],
    ["registry", "list"],
    ["stop", "a", "b"],
    [],
    ["--help"],
    ["help"],
    ["help", "stop"],
    ["runn"],
    ["--bogus"],
    ["--bogus", "--version"],
    ["--log-format", "xml", "run"],
    ["--log-format"],
    ["--", "run", "y"],
    ["run", "--help"],
  ];
  for (const argv of argvs) {
    const lazy = await outcome(argv, false);
    const eager = await outcome(argv, true);
    assert.deepEqual({ ...lazy, built: undefined }, { ...eager, built: undefined }, `thv ${argv.join(" ")}`);
    if (argv[0] === "run" && !argv.includes("--help")) assert.deepEqual(lazy.built, ["run"], `thv ${argv.join(" ")}`);
  }
  assert.deepEqual((await outcome(["--version"], false)).built, []);
});
