/**
 * The error a server's normalization throws for a bad field; the parser turns it into one line naming the
 * registry, the server and the field.
 * @module
 */

/** A bad field of one server: its path inside the server.json and what is wrong. */
export class FieldError extends Error {
  /** Path of the field inside the server.json. */
  readonly path: readonly PropertyKey[];

  constructor(path: readonly PropertyKey[], message: string) {
    super(message);
    this.name = "FieldError";
    this.path = path;
  }
}

/** Writes a field path the way it reads in JSON: `packages[0].version`, `_meta["io.x/y"].tier`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out || "(root)";
}
