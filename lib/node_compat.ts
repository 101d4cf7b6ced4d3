/**
 * Node-compatibility settings that must run before any npm package loads, so this is the first import of
 * main.ts: Node's DEP0040 punycode warning (printed by @kubernetes/client-node's dependencies) is silenced,
 * and `__dirname`/`__filename` exist for CommonJS code in a bundle (deno-stack.md P6, B1).
 * @module
 */
import process from "node:process";

process.noDeprecation = true;
const g = globalThis as { __dirname?: string; __filename?: string };
g.__dirname ??= import.meta.dirname ?? "/";
g.__filename ??= import.meta.filename ?? "/thv.js";
