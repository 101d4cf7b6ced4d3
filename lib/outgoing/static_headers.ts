/**
 * Headers the proxy sets on every request toward the MCP server from secrets: a bearer token
 * (`remote_auth_config.bearer_token`, MCPExternalAuthConfig `bearerToken`) and injected headers
 * (`header_forward`, MCPExternalAuthConfig `headerInjection`). The RunConfig holds only secret names; each
 * value is read from env `TOOLHIVE_SECRET_<name>` (ToolHive's environment secrets provider, filled by a
 * secretKeyRef in a pod or exported locally) when the proxy starts, and never logged.
 * @module
 */
import type { RunConfig } from "../run_config.ts";

/** The env prefix under which secret values are found. */
export const SECRET_ENV_PREFIX = "TOOLHIVE_SECRET_";

/** `remote_auth_config` keys thv applies; any other with a value refuses the RunConfig. */
export const REMOTE_AUTH_APPLIED = ["bearer_token", "bearer_token_file"] as const;

const SECRET_REF = /^([^,]+),target=bearer_token$/;

type Env = Readonly<Record<string, string | undefined>>;

/** The value of secret `name` from `env`, or a one-line error naming `field` and the variable. */
function secretValue(env: Env, name: string, field: string): string {
  const variable = `${SECRET_ENV_PREFIX}${name}`;
  const value = env[variable];
  if (value === undefined || value === "") {
    throw new TypeError(`${field} needs env ${variable}: give the proxy that variable from its Secret`);
  }
  return value;
}

/** The bearer token `remote_auth_config` asks for, or undefined when it asks for none. */
async function bearerToken(
  config: RunConfig,
  env: Env,
  readTextFile: (path: string) => Promise<string>,
): Promise<string | undefined> {
  const auth = config.remote_auth_config;
  if (!auth) return undefined;
  if (auth.bearer_token && auth.bearer_token_file) {
    throw new TypeError("remote_auth_config sets both bearer_token and bearer_token_file: keep one");
  }
  if (auth.bearer_token) {
    const ref = SECRET_REF.exec(auth.bearer_token);
    if (!ref) {
      // A literal token in the RunConfig would be a secret in a ConfigMap: refused, not sent.
      throw new TypeError(
        'remote_auth_config.bearer_token must be a secret reference "<name>,target=bearer_token": ' +
          `put the token in env ${SECRET_ENV_PREFIX}<name>, never in the RunConfig`,
      );
    }
    return secretValue(env, ref[1]!, "remote_auth_config.bearer_token");
  }
  if (auth.bearer_token_file) {
    let text: string;
    try {
      text = await readTextFile(auth.bearer_token_file);
    } catch (e) {
      throw new TypeError(
        `remote_auth_config.bearer_token_file ${auth.bearer_token_file} cannot be read: ${(e as Error).message}`,
        { cause: e },
      );
    }
    const token = text.trim();
    if (!token) throw new TypeError(`remote_auth_config.bearer_token_file ${auth.bearer_token_file} is empty`);
    return token;
  }
  return undefined;
}

/**
 * The headers from secrets for every upstream request (lower-cased names). `header_forward` is applied here
 * only without `remote_url`: a remote proxy adds it itself. Throws a one-line TypeError for a missing
 * secret, a literal token, or two sources of one header.
 */
export async function staticHeaders(
  config: RunConfig,
  env: Env,
  readTextFile: (path: string) => Promise<string>,
): Promise<Map<string, string>> {
  const headers = new Map<string, string>();
  const add = (name: string, value: string, field: string) => {
    const key = name.toLowerCase();
    if (headers.has(key)) throw new TypeError(`${field} sets header ${name}, which another setting sets too: keep one`);
    headers.set(key, value);
  };
  const token = await bearerToken(config, env, readTextFile);
  if (token !== undefined) add("Authorization", `Bearer ${token}`, "remote_auth_config");
  if (!config.remote_url) {
    const forward = config.header_forward;
    for (const [name, value] of Object.entries(forward?.add_plaintext_headers ?? {})) {
      add(name, value, `header_forward.add_plaintext_headers.${name}`);
    }
    for (const [name, secret] of Object.entries(forward?.add_headers_from_secret ?? {})) {
      const field = `header_forward.add_headers_from_secret.${name}`;
      add(name, secretValue(env, secret, field), field);
    }
  }
  return headers;
}
