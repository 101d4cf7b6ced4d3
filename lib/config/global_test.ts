import assert from "node:assert/strict";
import { globalConfig } from "./global.ts";

const tty = { stderrIsTerminal: true };
const pipe = { stderrIsTerminal: false };

Deno.test("globalConfig: auto log format is text on a terminal and json elsewhere", () => {
  assert.equal(globalConfig({}, tty).logFormat, "text");
  assert.equal(globalConfig({}, pipe).logFormat, "json");
  assert.equal(globalConfig({ logFormat: "json" }, tty).logFormat, "json");
  assert.equal(globalConfig({ logFormat: "text" }, pipe).logFormat, "text");
});

Deno.test("globalConfig: --debug lowers the level to debug", () => {
  assert.equal(globalConfig({}, tty).logLevel, "info");
  assert.equal(globalConfig({ debug: true }, tty).logLevel, "debug");
});

Deno.test("globalConfig: an unknown log format is a RangeError that lists the choices", () => {
  assert.throws(() => globalConfig({ logFormat: "xml" }, tty), {
    name: "RangeError",
    message: "--log-format xml is not a format: use one of auto, text, json",
  });
});

Deno.test("globalConfig: the result is frozen", () => {
  assert.ok(Object.isFrozen(globalConfig({}, tty)));
});
