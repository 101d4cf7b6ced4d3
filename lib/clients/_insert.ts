/**
 * The text of one member added to, or replaced in, a JSON(C) object, written in the file's own indentation and
 * line end while every byte outside it stays. (jsonc-parser's `modify` reformats the whole line the edit starts
 * on, which would rewrite the user's neighbouring entry.) Pure.
 * @module
 */
import { createScanner, findNodeAtLocation, type Node, parseTree } from "jsonc-parser";

/** `COMMA_TOKEN` of jsonc-parser (a const enum, which isolated modules cannot read). */
const COMMA_TOKEN = 5;

/** The whitespace a line starts with, for the line holding `offset`. */
function lineIndent(text: string, offset: number): string {
  const start = text.lastIndexOf("\n", offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start))![0];
}

/** `value` as JSON in the file's indentation unit, its lines after the first indented by `indent`. */
function pretty(value: unknown, options: { readonly unit: string; readonly indent: string; readonly eol: string }) {
  return JSON.stringify(value, null, options.unit).split("\n").join(options.eol + options.indent);
}

/** Whether the next token after `offset` is a comma (comments and whitespace skipped); the offset after it. */
function commaAfter(text: string, offset: number): number | undefined {
  const scanner = createScanner(text, true);
  scanner.setPosition(offset);
  return scanner.scan() === COMMA_TOKEN ? scanner.getTokenOffset() + scanner.getTokenLength() : undefined;
}

/**
 * `text` with `path`'s last segment set to `value` in the object at the path before it, creating the objects
 * on the way; `text` must parse as a JSON(C) object.
 */
export function setMember(
  text: string,
  options: { readonly path: readonly string[]; readonly value: unknown; readonly unit: string; readonly eol: string },
): string {
  const { unit, eol } = options;
  const root = parseTree(text, [], { allowTrailingComma: true })!;
  // The deepest object on the path that exists, and what is still to be made under it.
  let depth = options.path.length - 1;
  let parent: Node | undefined = findNodeAtLocation(root, options.path.slice(0, depth));
  while (!parent) parent = depth === 0 ? root : findNodeAtLocation(root, options.path.slice(0, --depth));
  const key = options.path[depth]!;
  const value = options.path.slice(depth + 1).reduceRight<unknown>((v, k) => ({ [k]: v }), options.value);
  const existing = parent.children?.find((p) => p.children?.[0]?.value === key);
  if (existing) {
    const node = existing.children![1]!;
    const indent = lineIndent(text, existing.offset);
    return text.slice(0, node.offset) + pretty(value, { unit, indent, eol }) + text.slice(node.offset + node.length);
  }
  const last = parent.children?.at(-1);
  const parentIndent = lineIndent(text, parent.offset);
  if (!last) {
    const indent = parentIndent + unit;
    const member = `${JSON.stringify(key)}: ${pretty(value, { unit, indent, eol })}`;
    const object = `{${eol}${indent}${member}${eol}${parentIndent}}`;
    return text.slice(0, parent.offset) + object + text.slice(parent.offset + parent.length);
  }
  const ownLine = /^[ \t]*$/.test(text.slice(text.lastIndexOf("\n", last.offset - 1) + 1, last.offset));
  const indent = ownLine ? lineIndent(text, last.offset) : parentIndent + unit;
  const member = `${JSON.stringify(key)}: ${pretty(value, { unit, indent, eol })}`;
  const end = last.offset + last.length;
  const trailing = commaAfter(text, end);
  // A file that ends its last member with a comma gets the same after thv's.
  if (trailing !== undefined) return text.slice(0, trailing) + `${eol}${indent}${member},` + text.slice(trailing);
  return text.slice(0, end) + `,${eol}${indent}${member}` + text.slice(end);
}
