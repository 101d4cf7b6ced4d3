/**
 * Silences Node's DEP0040 punycode warning that @kubernetes/client-node's dependencies print on import
 * (deno-stack.md §4); it must be the first import of an entry point.
 * @module
 */
import process from "node:process";

process.noDeprecation = true;
