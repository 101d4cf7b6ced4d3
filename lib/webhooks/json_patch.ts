/**
 * RFC 6902 JSON Patch over plain JSON values (add, remove, replace, move, copy, test), with RFC 6901
 * pointers. The input is never changed: the result is a patched copy. Errors are one-line TypeErrors naming
 * the operation.
 * @module
 */

/** One RFC 6902 operation. */
export interface PatchOperation {
  /** `add`, `remove`, `replace`, `move`, `copy` or `test`. */
  readonly op: string;
  /** A JSON Pointer. */
  readonly path: string;
  /** The value of add, replace and test. */
  readonly value?: unknown;
  /** The source pointer of move and copy. */
  readonly from?: string;
}

const OPS = new Set(["add", "remove", "replace", "move", "copy", "test"]);

/** The reference tokens of a JSON Pointer. */
function tokens(pointer: string, where: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw new TypeError(`${where}: pointer "${pointer}" must start with "/"`);
  return pointer.slice(1).split("/").map((t) => t.replaceAll("~1", "/").replaceAll("~0", "~"));
}

type Container = Record<string, unknown> | unknown[];

function isContainer(v: unknown): v is Container {
  return !!v && typeof v === "object";
}

/** The parent container of `path` and the last token; throws when a step is missing. */
function parentOf(doc: unknown, path: string, where: string): { parent: Container; key: string } {
  const t = tokens(path, where);
  if (t.length === 0) throw new TypeError(`${where}: the root cannot be the target`);
  let node = doc;
  for (const step of t.slice(0, -1)) {
    node = child(node, step, where, path);
  }
  if (!isContainer(node)) throw new TypeError(`${where}: the parent of ${path} is not an object or array`);
  return { parent: node, key: t[t.length - 1]! };
}

function arrayIndex(arr: unknown[], key: string, where: string, allowEnd: boolean): number {
  if (allowEnd && key === "-") return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(key)) throw new TypeError(`${where}: "${key}" is not an array index`);
  const i = Number(key);
  if (i > arr.length || (!allowEnd && i === arr.length)) throw new TypeError(`${where}: index ${i} is out of range`);
  return i;
}

function child(node: unknown, key: string, where: string, path: string): unknown {
  if (Array.isArray(node)) return node[arrayIndex(node, key, where, false)];
  if (isContainer(node) && Object.hasOwn(node, key)) return (node as Record<string, unknown>)[key];
  throw new TypeError(`${where}: ${path} does not exist`);
}

function get(doc: unknown, path: string, where: string): unknown {
  let node = doc;
  for (const step of tokens(path, where)) node = child(node, step, where, path);
  return node;
}

function add(doc: unknown, path: string, value: unknown, where: string): unknown {
  if (path === "") return value;
  const { parent, key } = parentOf(doc, path, where);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, where, true), 0, value);
  else parent[key] = value;
  return doc;
}

function remove(doc: unknown, path: string, where: string): unknown {
  const { parent, key } = parentOf(doc, path, where);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, where, false), 1);
  else if (Object.hasOwn(parent, key)) delete parent[key];
  else throw new TypeError(`${where}: ${path} does not exist`);
  return doc;
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!isContainer(a) || !isContainer(b) || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length &&
    ka.every((k) => Object.hasOwn(b, k) && equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** `doc` patched by `patch`, a copy; throws a TypeError naming the operation that cannot apply. */
export function applyJsonPatch(doc: unknown, patch: readonly PatchOperation[]): unknown {
  let out: unknown = structuredClone(doc);
  patch.forEach((op, i) => {
    const where = `patch[${i}] (${op?.op} ${op?.path})`;
    if (!op || typeof op !== "object" || !OPS.has(op.op)) throw new TypeError(`${where}: unknown operation`);
    if (typeof op.path !== "string") throw new TypeError(`${where}: path is required`);
    const needsValue = op.op === "add" || op.op === "replace" || op.op === "test";
    if (needsValue && !("value" in op)) throw new TypeError(`${where}: value is required`);
    if ((op.op === "move" || op.op === "copy") && typeof op.from !== "string") {
      throw new TypeError(`${where}: from is required`);
    }
    switch (op.op) {
      case "add":
        out = add(out, op.path, structuredClone(op.value), where);
        break;
      case "remove":
        out = remove(out, op.path, where);
        break;
      case "replace":
        get(out, op.path, where);
        out = op.path === "" ? structuredClone(op.value) : add(remove(out, op.path, where), op.path, op.value, where);
        break;
      case "move": {
        if (op.path.startsWith(op.from! + "/")) throw new TypeError(`${where}: cannot move a value into itself`);
        const value = get(out, op.from!, where);
        out = add(remove(out, op.from!, where), op.path, value, where);
        break;
      }
      case "copy":
        out = add(out, op.path, structuredClone(get(out, op.from!, where)), where);
        break;
      case "test":
        if (!equal(get(out, op.path, where), op.value)) throw new TypeError(`${where}: test failed`);
        break;
    }
  });
  return out;
}
