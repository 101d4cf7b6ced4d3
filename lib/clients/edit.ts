/**
 * Edits one member of a client's JSON-with-comments file and leaves every other byte as it was: the text is
 * parsed with `jsonc-parser` (never rewritten from a parsed object), refused when it does not parse, and
 * changed by the minimal edit, in the file's own indentation and line ends. Pure.
 * @module
 */
import {
  applyEdits,
  findNodeAtLocation,
  type FormattingOptions,
  getNodeValue,
  modify,
  parseTree,
  printParseErrorCode,
} from "jsonc-parser";
import type { ParseError } from "jsonc-parser";
import { setMember } from "./_insert.ts";

/** The text thv starts a missing file from. */
export const EMPTY_CONFIG = "{}\n";

/** The indentation and line end `text` uses (two spaces and `\n` when it shows none). */
export function formattingOf(text: string): FormattingOptions {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const indent = /\n([ \t]+)\S/.exec(text)?.[1] ?? "  ";
  return indent.startsWith("\t")
    ? { insertSpaces: false, tabSize: 1, eol }
    : { insertSpaces: true, tabSize: indent.length, eol };
}

/** Throws, naming `file` and where, unless `text` is a JSON(C) object whose `key` member (if any) is an object. */
export function checkConfig(text: string, options: { readonly file: string; readonly key: string }): void {
  if (text.trim() === "") return; // an empty file reads as {}
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const refuse = (why: string) => {
    throw new SyntaxError(`Cannot edit ${options.file}: ${why}; fix the file (thv left it unchanged)`);
  };
  const first = errors[0];
  if (first) {
    const line = text.slice(0, first.offset).split("\n").length;
    refuse(`${printParseErrorCode(first.error)} at line ${line}`);
  }
  if (!root || root.type !== "object") refuse("the top level is not a JSON object");
  const servers = findNodeAtLocation(root!, [options.key]);
  if (servers && servers.type !== "object") refuse(`"${options.key}" is not an object`);
}

/** `text` with `servers[name]` set to `value` (added or replaced). */
export function withMember(
  text: string,
  options: { readonly file: string; readonly key: string; readonly name: string; readonly value: unknown },
): string {
  const base = text.trim() === "" ? EMPTY_CONFIG : text;
  checkConfig(base, options);
  const { insertSpaces, tabSize, eol } = formattingOf(base);
  const unit = insertSpaces ? " ".repeat(tabSize ?? 2) : "\t";
  return setMember(base, { path: [options.key, options.name], value: options.value, unit, eol: eol ?? "\n" });
}

/** `text` without `servers[name]` (unchanged when there is no such member). */
export function withoutMember(
  text: string,
  options: { readonly file: string; readonly key: string; readonly name: string },
): string {
  checkConfig(text, options);
  const root = parseTree(text, [], { allowTrailingComma: true });
  if (!root || !findNodeAtLocation(root, [options.key, options.name])) return text;
  // No formatting options: jsonc-parser would reformat the neighbouring lines; the removal alone is exact.
  return applyEdits(text, modify(text, [options.key, options.name], undefined, {}));
}

/** The value of `servers[name]` in `text`, or `undefined` when there is none. */
export function memberValue(text: string, options: { readonly key: string; readonly name: string }): unknown {
  const root = parseTree(text, [], { allowTrailingComma: true });
  const node = root && findNodeAtLocation(root, [options.key, options.name]);
  return node ? JSON.parse(JSON.stringify(getNodeValue(node))) : undefined; // plain objects, not null-prototype ones
}

/** `text` without its `key` member when that member is an empty object (thv created it; the user's file had none). */
export function withoutEmptyKey(text: string, options: { readonly file: string; readonly key: string }): string {
  checkConfig(text, options);
  const root = parseTree(text, [], { allowTrailingComma: true });
  const node = root && findNodeAtLocation(root, [options.key]);
  if (!node || (node.children?.length ?? 0) > 0) return text;
  if (text.slice(node.offset, node.offset + node.length).replace(/\s/g, "") !== "{}") return text; // a comment inside
  return applyEdits(text, modify(text, [options.key], undefined, {}));
}

/** Whether `text` has a top-level `key` member. */
export function hasKey(text: string, key: string): boolean {
  const root = parseTree(text, [], { allowTrailingComma: true });
  return !!root && !!findNodeAtLocation(root, [key]);
}
