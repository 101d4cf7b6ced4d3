import assert from "node:assert/strict";
import { importViolations, relativeImports } from "./check_imports.ts";

const MODS = new Set(["lib/runtime", "roles/cli", "roles/operator"]);
const hasMod = (dir: string) => MODS.has(dir);
const check = (file: string, source: string) => importViolations(new Map([[file, source]]), hasMod);

Deno.test("relativeImports finds static, re-export, side-effect and dynamic imports, not packages", () => {
  const source = [
    'import { a } from "./a.ts";',
    'import type { B } from "../b.ts";',
    'export { c } from "./c/mod.ts";',
    'import "./side.ts";',
    'const d = await import("./d.ts");',
    'import { Command } from "@commander-js/extra-typings";',
  ].join("\n");
  assert.deepEqual(relativeImports(source), ["./a.ts", "../b.ts", "./c/mod.ts", "./side.ts", "./d.ts"]);
});

Deno.test("importViolations: the allowed directions pass", () => {
  assert.deepEqual(check("main.ts", 'import { x } from "./roles/cli/mod.ts";'), []);
  assert.deepEqual(check("roles/cli/run.ts", 'import { y } from "../../lib/runtime/mod.ts";'), []);
  assert.deepEqual(check("roles/cli/run.ts", 'import { z } from "./context.ts";'), []);
  assert.deepEqual(check("lib/runtime/mod.ts", 'export { d } from "./detect.ts";'), []);
  assert.deepEqual(check("lib/runtime/engine.ts", 'import { l } from "../log.ts";'), []);
  assert.deepEqual(check("main.ts", 'import deno from "./deno.json" with { type: "json" };'), []);
});

Deno.test("importViolations: each wrong direction is named", () => {
  const rules = (file: string, source: string) => check(file, source).map((v) => `${v.target}: ${v.rule}`);
  assert.deepEqual(rules("lib/log.ts", 'import { c } from "../roles/cli/mod.ts";'), [
    "roles/cli/mod.ts: lib/ must not import roles/",
  ]);
  assert.deepEqual(rules("roles/cli/a.ts", 'import { o } from "../operator/mod.ts";'), [
    "roles/operator/mod.ts: a role must not import another role: move shared code to lib/",
  ]);
  assert.deepEqual(rules("roles/cli/a.ts", 'import { m } from "../../main.ts";'), [
    "main.ts: only the entry point is main.ts: nothing imports it",
  ]);
  assert.deepEqual(rules("roles/cli/a.ts", 'import { d } from "../../lib/runtime/detect.ts";'), [
    "lib/runtime/detect.ts: import lib/runtime/mod.ts instead: other folders use a folder through its mod.ts",
  ]);
});
