/**
 * `/api/v1beta/secrets`: set up the secrets provider and keep the secrets `--secret` refers to, over
 * lib/secrets as `thv secret` does, so the CLI and the API see the same store.
 *
 * The encrypted provider's password comes only from `TOOLHIVE_SECRETS_PASSWORD` in thv serve's environment:
 * a request never carries it. Without it (or with a wrong one) the routes that open the store answer 503,
 * saying to start thv serve with it set: the server, not the request, lacks it. The environment provider is
 * read-only: writes to it are 405. No list answers a value, and no value is logged.
 * @module
 */
import { type Route, route } from "../../../lib/api/mod.ts";
import { NotFoundError } from "../../../lib/errors.ts";
import { HttpError } from "../../../lib/http/mod.ts";
import {
  EncryptedSecrets,
  encryptedStorePath,
  openProvider,
  PASSWORD_ENV,
  PROVIDER_ENV,
  PROVIDERS,
  type ProviderType,
  providerTypeOf,
  ReadOnlySecretsError,
  saveProvider,
  SECRET_ENV_PREFIX,
  type SecretsProvider,
  SecretsUnavailableError,
} from "../../../lib/secrets/mod.ts";
import type { ServeDeps } from "../deps.ts";
import {
  CreateSecretRequest,
  SecretKeyList,
  SecretParams,
  SecretsProviderInfo,
  SecretWritten,
  SetupSecretsRequest,
  SetupSecretsResponse,
  UpdateSecretRequest,
} from "../schemas/secrets.ts";

const TAG = "secrets";
type Deps = Pick<ServeDeps, "env" | "paths" | "log">;

const KEYS = "/api/v1beta/secrets/default/keys";
const NOT_SET_UP = { description: "No secrets provider is set up (POST /api/v1beta/secrets)" };
const UNAVAILABLE = {
  description: "The store cannot be opened: thv serve was started without TOOLHIVE_SECRETS_PASSWORD, or a wrong one",
};
const READ_ONLY = { description: "The environment provider is read-only" };
const NO_PASSWORD =
  `The encrypted secrets store needs its password: start thv serve with ${PASSWORD_ENV} set (requests never carry it)`;

/** `fn`'s result, lib's secrets errors answered: unavailable 503, read-only 405 (allowing `allow`). */
async function answering<T>(allow: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof SecretsUnavailableError) throw new HttpError(503, error.message, { cause: error });
    if (error instanceof ReadOnlySecretsError) {
      throw new HttpError(405, error.message, { cause: error, headers: { allow } });
    }
    throw error;
  }
}

/** The provider's type; a 404 saying how to set one up when there is none. */
async function typeOf(deps: Deps): Promise<string> {
  const type = await providerTypeOf(deps);
  if (!type) {
    throw new NotFoundError("No secrets provider is set up: POST /api/v1beta/secrets (or run thv secret setup)");
  }
  return type;
}

/** The provider in use, opened with thv serve's environment only (no prompt). */
async function provider(deps: Deps): Promise<SecretsProvider> {
  const type = await typeOf(deps);
  if (type === "encrypted" && !deps.env[PASSWORD_ENV]) throw new SecretsUnavailableError(NO_PASSWORD);
  return await openProvider({ paths: deps.paths, env: deps.env });
}

/** Refuses a write to the read-only provider before anything else is looked at. */
function writable(p: SecretsProvider, allow: string): SecretsProvider {
  if (p.type === "environment") {
    throw new HttpError(
      405,
      `The environment secrets provider is read-only: export ${SECRET_ENV_PREFIX}<NAME> in thv serve's environment instead`,
      { headers: { allow } },
    );
  }
  return p;
}

/** Sets up `type`: the encrypted store is created (or its password checked) with thv serve's password. */
async function setup(deps: Deps, type: ProviderType): Promise<string> {
  const forced = deps.env[PROVIDER_ENV];
  if (forced && forced !== type) {
    throw new HttpError(
      409,
      `${PROVIDER_ENV}=${forced} in thv serve's environment overrides the setup: restart thv serve without it, or set it to ${type}`,
    );
  }
  if (type === "encrypted") {
    const password = deps.env[PASSWORD_ENV];
    if (!password) throw new SecretsUnavailableError(NO_PASSWORD);
    await new EncryptedSecrets(encryptedStorePath(deps.paths), password).init();
  }
  await saveProvider(deps.paths, type);
  return type === "encrypted"
    ? `Secrets are kept encrypted in ${encryptedStorePath(deps.paths)}, sealed with ${PASSWORD_ENV}`
    : `Secrets are read from ${SECRET_ENV_PREFIX}<NAME> variables in thv's environment`;
}

/** The secrets routes. */
export function secretRoutes(deps: Deps): Route[] {
  return [
    route({
      method: "POST",
      path: "/api/v1beta/secrets",
      operationId: "setupSecrets",
      summary: "Set up the secrets provider: encrypted or environment",
      tag: TAG,
      body: SetupSecretsRequest,
      responses: {
        201: { description: "Set up", schema: SetupSecretsResponse },
        409: { description: "TOOLHIVE_SECRETS_PROVIDER in thv serve's environment names another provider" },
        503: UNAVAILABLE,
      },
      handle: ({ body }) =>
        answering("POST", async () => {
          if (body.password !== undefined) {
            throw new HttpError(
              400,
              `body.password: not accepted: start thv serve with ${PASSWORD_ENV} set instead, and leave password out`,
            );
          }
          const message = await setup(deps, body.provider_type);
          return { status: 201, body: { provider_type: body.provider_type, message } };
        }),
    }),
    route({
      method: "GET",
      path: "/api/v1beta/secrets/default",
      operationId: "getSecretsProvider",
      summary: "The secrets provider in use and what it can do",
      tag: TAG,
      responses: {
        200: { description: "The provider", schema: SecretsProviderInfo },
        404: NOT_SET_UP,
        503: UNAVAILABLE,
      },
      handle: () =>
        answering("GET", async () => {
          const type = await typeOf(deps);
          if (!(PROVIDERS as readonly string[]).includes(type)) {
            throw new SecretsUnavailableError(
              `Secrets provider ${JSON.stringify(type)} is not one thv has: set up ${PROVIDERS.join(" or ")}`,
            );
          }
          const writes = type === "encrypted";
          return {
            status: 200,
            body: {
              name: "default",
              provider_type: type,
              capabilities: {
                can_read: true,
                can_write: writes,
                can_delete: writes,
                can_list: true,
                can_cleanup: false,
              },
            },
          };
        }),
    }),
    route({
      method: "GET",
      path: KEYS,
      operationId: "listSecrets",
      summary: "The secrets' names (never their values)",
      tag: TAG,
      responses: { 200: { description: "The names", schema: SecretKeyList }, 404: NOT_SET_UP, 503: UNAVAILABLE },
      handle: () =>
        answering("GET", async () => {
          const names = await (await provider(deps)).list();
          return { status: 200, body: { keys: names.map((key) => ({ key })) } };
        }),
    }),
    route({
      method: "POST",
      path: KEYS,
      operationId: "createSecret",
      summary: "Create a secret (encrypted provider)",
      tag: TAG,
      body: CreateSecretRequest,
      responses: {
        201: { description: "Created", schema: SecretWritten },
        404: NOT_SET_UP,
        405: READ_ONLY,
        409: { description: "A secret of that name exists (PUT it to change it)" },
        503: UNAVAILABLE,
      },
      handle: ({ body }) =>
        answering("GET", async () => {
          if (!(await writable(await provider(deps), "GET").create(body.key, body.value))) {
            throw new HttpError(409, `Secret ${body.key} exists: change it with PUT ${KEYS}/${body.key}`);
          }
          deps.log.info("Created secret", { key: body.key });
          return { status: 201, body: { key: body.key, message: "Secret created" } };
        }),
    }),
    route({
      method: "PUT",
      path: `${KEYS}/{key}`,
      operationId: "updateSecret",
      summary: "Change a secret's value (encrypted provider)",
      tag: TAG,
      params: SecretParams,
      body: UpdateSecretRequest,
      responses: {
        200: { description: "Changed", schema: SecretWritten },
        404: { description: "No provider is set up, or no secret of that name" },
        405: READ_ONLY,
        503: UNAVAILABLE,
      },
      handle: ({ params, body }) =>
        answering("", async () => {
          if (!(await writable(await provider(deps), "").replace(params.key, body.value))) {
            throw new NotFoundError(`No secret named ${params.key}: create it with POST ${KEYS}`);
          }
          deps.log.info("Updated secret", { key: params.key });
          return { status: 200, body: { key: params.key, message: "Secret updated" } };
        }),
    }),
    route({
      method: "DELETE",
      path: `${KEYS}/{key}`,
      operationId: "deleteSecret",
      summary: "Delete a secret (encrypted provider)",
      tag: TAG,
      params: SecretParams,
      responses: {
        204: { description: "Deleted" },
        404: { description: "No provider is set up, or no secret of that name" },
        405: READ_ONLY,
        503: UNAVAILABLE,
      },
      handle: ({ params }) =>
        answering("", async () => {
          if (!(await writable(await provider(deps), "").delete(params.key))) {
            throw new NotFoundError(`No secret named ${params.key}: see GET ${KEYS}`);
          }
          deps.log.info("Deleted secret", { key: params.key });
          return { status: 204 };
        }),
    }),
  ];
}
