/**
 * The environment a registry server starts with: the user's values over the registry's defaults, checked
 * against what the server requires, with its secrets marked.
 * @module
 */
import type { RegistryEntry } from "./entry.ts";

/** The environment a server starts with. */
export interface ResolvedEnv {
  /** Variable name → value: the user's values plus the registry's defaults. */
  readonly env: Readonly<Record<string, string>>;
  /** Names whose values are secrets: never log or print them (see `redactEnv`). */
  readonly secrets: ReadonlySet<string>;
}

/**
 * Applies the registry's defaults under the user's `-e` values, and throws a RangeError naming the first
 * required variable that is still missing (or empty) and how to pass it. Variables the registry does not
 * list are passed through.
 * @example
 * resolveEnv(github, { GITHUB_PERSONAL_ACCESS_TOKEN: token }).env;
 */
export function resolveEnv(entry: RegistryEntry, given: Readonly<Record<string, string>>): ResolvedEnv {
  const env: Record<string, string> = {};
  for (const spec of entry.env) if (spec.default !== undefined) env[spec.name] = spec.default;
  Object.assign(env, given);
  const missing = entry.env.find((spec) => spec.required && !env[spec.name]);
  if (missing) {
    const what = missing.secret ? "secret environment variable" : "environment variable";
    throw new RangeError(
      `Server ${entry.shortName} needs the ${what} ${missing.name}: pass it with -e ${missing.name}=<value>`,
    );
  }
  return { env, secrets: new Set(entry.env.filter((s) => s.secret).map((s) => s.name)) };
}

/** The environment with every secret value replaced by `<redacted>`, safe to log. */
export function redactEnv(resolved: ResolvedEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(resolved.env).map(([k, v]) => [k, resolved.secrets.has(k) ? "<redacted>" : v]),
  );
}
