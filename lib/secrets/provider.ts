/**
 * Which secrets provider thv uses and how it is opened, as ToolHive does: `TOOLHIVE_SECRETS_PROVIDER`, else
 * `secrets.provider_type` in `config.yaml` (written by `thv secret setup`). `encrypted` opens the sealed file
 * with `TOOLHIVE_SECRETS_PASSWORD` or, when a terminal is attached, a prompt (there is no OS keyring here);
 * `environment` reads `TOOLHIVE_SECRET_<NAME>` variables and is read-only.
 * @module
 */
import type { StatePaths } from "../state/mod.ts";
import { readFileIfExists, writeFileAtomic } from "../state/mod.ts";
import { NotFoundError } from "../errors.ts";
import { EncryptedSecrets } from "./encrypted.ts";
import { ReadOnlySecretsError, SecretsUnavailableError } from "./errors.ts";

/** The variable that picks the provider. */
export const PROVIDER_ENV = "TOOLHIVE_SECRETS_PROVIDER";
/** The variable that holds the encrypted store's password (also how a detached proxy receives it). */
export const PASSWORD_ENV = "TOOLHIVE_SECRETS_PASSWORD";
/** The prefix of the environment provider's variables. */
export const SECRET_ENV_PREFIX = "TOOLHIVE_SECRET_";
/** The providers thv has. */
export const PROVIDERS = ["encrypted", "environment"] as const;
/** A provider's name. */
export type ProviderType = (typeof PROVIDERS)[number];

/** A secrets provider: read, and (unless read-only) written. */
export interface SecretsProvider {
  /** Its name. */
  readonly type: ProviderType;
  /** The value of `name`, or undefined. */
  get(name: string): Promise<string | undefined>;
  /** The names it holds, sorted. */
  list(): Promise<string[]>;
  /** Sets a secret; the environment provider refuses. */
  set(name: string, value: string): Promise<void>;
  /** Sets a secret unless it exists (false then); the environment provider refuses. */
  create(name: string, value: string): Promise<boolean>;
  /** Changes a secret if it exists (false otherwise); the environment provider refuses. */
  replace(name: string, value: string): Promise<boolean>;
  /** Deletes a secret (false when absent); the environment provider refuses. */
  delete(name: string): Promise<boolean>;
}

/** Secret names: what a `--secret` reference and an environment variable suffix can carry. */
export const SECRET_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Checks a secret name; the error says what is allowed. */
export function checkSecretName(name: string): string {
  if (!SECRET_NAME.test(name)) {
    throw new RangeError(`"${name}" is not a secret name: use 1 to 128 letters, digits, '_', '.' or '-'`);
  }
  return name;
}

/** The sealed file's path: beside the other data, where ToolHive keeps `secrets_encrypted`. */
export function encryptedStorePath(paths: StatePaths): string {
  return `${paths.secrets.slice(0, paths.secrets.lastIndexOf("/"))}/secrets_encrypted`;
}

function configFile(paths: StatePaths): string {
  return `${paths.config}/config.yaml`;
}

/** The provider `config.yaml` names, or undefined before `thv secret setup`. */
export async function configuredProvider(paths: StatePaths): Promise<string | undefined> {
  const text = await readFileIfExists(configFile(paths));
  if (text === undefined) return undefined;
  const { parseDocument } = await import("yaml"); // loaded only by what reads the provider
  const value = parseDocument(text).getIn(["secrets", "provider_type"]);
  return typeof value === "string" ? value : undefined;
}

/** Records the provider in `config.yaml`, keeping the file's other keys and comments. */
export async function saveProvider(paths: StatePaths, type: ProviderType): Promise<void> {
  const { parseDocument } = await import("yaml");
  const doc = parseDocument((await readFileIfExists(configFile(paths))) ?? "");
  if (doc.errors.length) {
    throw new Error(`${configFile(paths)}: ${doc.errors[0]!.message.split("\n")[0]}: fix the file`);
  }
  doc.setIn(["secrets", "provider_type"], type);
  doc.setIn(["secrets", "setup_completed"], true);
  await writeFileAtomic(configFile(paths), doc.toString(), { mode: 0o600 });
}

/** What opening a provider needs. */
export interface ProviderOptions {
  /** Where state lives. */
  readonly paths: StatePaths;
  /** The environment (provider choice, password, `TOOLHIVE_SECRET_*`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Asks for the password when the environment has none (a terminal); undefined where none is attached. */
  readonly prompt?: () => Promise<string | undefined>;
  /** PBKDF2 iterations, for tests only. */
  readonly iterations?: number;
}

/** The provider's name: `TOOLHIVE_SECRETS_PROVIDER`, else `config.yaml`'s; undefined before setup. */
export async function providerTypeOf(
  options: Pick<ProviderOptions, "paths" | "env">,
): Promise<string | undefined> {
  return options.env[PROVIDER_ENV] || (await configuredProvider(options.paths));
}

/**
 * The provider in use; fails, saying what to do, when none is set up (a NotFoundError) or it cannot be
 * opened: the password is missing or wrong, or the type is unknown (a {@linkcode SecretsUnavailableError}).
 */
export async function openProvider(options: ProviderOptions): Promise<SecretsProvider> {
  const { paths, env } = options;
  const type = await providerTypeOf(options);
  if (!type) throw new NotFoundError("No secrets provider is set up: run thv secret setup");
  if (type === "environment") return environmentProvider(env);
  if (type !== "encrypted") {
    throw new SecretsUnavailableError(
      `Secrets provider ${JSON.stringify(type)} is not one thv has: use ${PROVIDERS.join(" or ")}`,
    );
  }
  const password = await passwordOf(options);
  const store = new EncryptedSecrets(encryptedStorePath(paths), password, options.iterations);
  return {
    type: "encrypted",
    get: (name) => store.get(name),
    list: () => store.list(),
    set: (name, value) => store.set(checkSecretName(name), value),
    create: (name, value) => store.create(checkSecretName(name), value),
    replace: (name, value) => store.replace(name, value),
    delete: (name) => store.delete(name),
  };
}

/** The password of the encrypted store: the environment's, else the prompt's; names the variable when neither. */
export async function passwordOf(options: ProviderOptions): Promise<string> {
  const given = options.env[PASSWORD_ENV] || (await options.prompt?.());
  if (!given) {
    throw new SecretsUnavailableError(
      `The encrypted secrets store needs its password: set ${PASSWORD_ENV} (there is no OS keyring here)`,
    );
  }
  return given;
}

/** The read-only provider over `TOOLHIVE_SECRET_<NAME>` variables. */
export function environmentProvider(env: Readonly<Record<string, string | undefined>>): SecretsProvider {
  // A rejected promise, not a throw: callers that do not await at once still get the error where they await.
  const refuse = (): Promise<never> =>
    Promise.reject(
      new ReadOnlySecretsError(
        `The environment secrets provider is read-only: export ${SECRET_ENV_PREFIX}<NAME> instead`,
      ),
    );
  return {
    type: "environment",
    get: (name) => Promise.resolve(env[`${SECRET_ENV_PREFIX}${name}`]),
    list: () =>
      Promise.resolve(
        Object.keys(env).filter((k) => k.startsWith(SECRET_ENV_PREFIX) && env[k] !== undefined)
          .map((k) => k.slice(SECRET_ENV_PREFIX.length)).sort(),
      ),
    set: refuse,
    create: refuse,
    replace: refuse,
    delete: refuse,
  };
}
