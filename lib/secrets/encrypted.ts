/**
 * The encrypted-file secrets provider: every secret in one file (`$XDG_DATA_HOME/toolhive/secrets_encrypted`,
 * where ToolHive keeps its own), a JSON map sealed with {@linkcode seal}, written atomically with mode 0600.
 * There is no OS keyring here, so the password comes from the caller (the environment or a prompt).
 * @module
 */
import { lockWorkload, readFileIfExists, type WorkloadLock, writeFileAtomic } from "../state/mod.ts";
import { type Envelope, open, seal } from "./crypto.ts";
import { SecretsUnavailableError } from "./errors.ts";

/** Secrets sealed in one file under one password. */
export class EncryptedSecrets {
  readonly #path: string;
  readonly #password: string;
  readonly #iterations: number | undefined;

  /** The store in `path`, opened with `password`; `iterations` only for tests. */
  constructor(path: string, password: string, iterations?: number) {
    this.#path = path;
    this.#password = password;
    this.#iterations = iterations;
  }

  /** Whether the file exists. */
  async exists(): Promise<boolean> {
    return (await readFileIfExists(this.#path)) !== undefined;
  }

  /** All secrets (name → value); an absent file is empty; a wrong password or changed file is an Error. */
  async all(): Promise<Record<string, string>> {
    const text = await readFileIfExists(this.#path);
    if (text === undefined) return {};
    let envelope: Envelope;
    try {
      envelope = JSON.parse(text);
    } catch {
      throw new SecretsUnavailableError(
        `${this.#path} is not a thv secrets file: move it away and run thv secret setup`,
      );
    }
    let plain: string;
    try {
      plain = await open(this.#password, envelope);
    } catch (e) {
      throw new SecretsUnavailableError(
        `Cannot open ${this.#path}: ${
          (e as Error).message
        }: set TOOLHIVE_SECRETS_PASSWORD to the password given at thv secret setup`,
      );
    }
    return JSON.parse(plain) as Record<string, string>;
  }

  /**
   * Holds the store's lock (`<file>.lock` beside it) for a read-modify-write, so two writers (thv serve's
   * requests, the CLI) never lose each other's change.
   */
  #lock(): Promise<WorkloadLock> {
    const slash = this.#path.lastIndexOf("/");
    const dir = slash < 0 ? "." : this.#path.slice(0, slash) || "/";
    const base = this.#path.slice(slash + 1).toLowerCase().replace(/[^a-z0-9._-]/g, "-");
    return lockWorkload(dir, base, { timeoutMs: 30_000 });
  }

  /** Writes all secrets (sealed anew). */
  async #write(values: Record<string, string>): Promise<void> {
    const envelope = await seal(this.#password, JSON.stringify(values), this.#iterations);
    await writeFileAtomic(this.#path, JSON.stringify(envelope) + "\n", { mode: 0o600 });
  }

  /** Creates the file, empty, unless it exists (whose password is then checked). */
  async init(): Promise<void> {
    await using _lock = await this.#lock();
    if (await this.exists()) await this.all();
    else await this.#write({});
  }

  /** The value of `name`, or undefined. */
  async get(name: string): Promise<string | undefined> {
    return (await this.all())[name];
  }

  /** Sets `name` to `value`. */
  async set(name: string, value: string): Promise<void> {
    await using _lock = await this.#lock();
    const values = await this.all();
    values[name] = value;
    await this.#write(values);
  }

  /** Sets `name` unless it exists; false (nothing written) when it does. Of two racing, one wins. */
  async create(name: string, value: string): Promise<boolean> {
    await using _lock = await this.#lock();
    const values = await this.all();
    if (name in values) return false;
    values[name] = value;
    await this.#write(values);
    return true;
  }

  /** Changes `name` if it exists; false (nothing written) when it does not. */
  async replace(name: string, value: string): Promise<boolean> {
    await using _lock = await this.#lock();
    const values = await this.all();
    if (!(name in values)) return false;
    values[name] = value;
    await this.#write(values);
    return true;
  }

  /** Deletes `name`; false when there was none. */
  async delete(name: string): Promise<boolean> {
    await using _lock = await this.#lock();
    const values = await this.all();
    if (!(name in values)) return false;
    delete values[name];
    await this.#write(values);
    return true;
  }

  /** The names, sorted. */
  async list(): Promise<string[]> {
    return Object.keys(await this.all()).sort();
  }
}
