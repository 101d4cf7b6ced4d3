/**
 * Reading a RunConfig that comes from outside thv (`thv run --from-config`, often written by ToolHive), fail
 * closed (decision 010): a key that guards access and that thv does not enforce yet refuses the file, since
 * the server would otherwise serve without it; a key that guards nothing and is not applied is reported, so
 * the caller can warn, and so is what migrating an older schema version changed. `parseRunConfig` alone drops
 * unknown keys without a word.
 * @module
 */
import { readRunConfig, type RunConfig, RunConfig as RunConfigSchema } from "./run_config.ts";

/** ToolHive RunConfig keys that guard access, which thv does not enforce yet, with what each asks for. */
export const UNENFORCED_RUN_CONFIG_KEYS: Readonly<Record<string, string>> = {
  rate_limit_config: "rate limiting",
  allowed_origins: "an Origin allow-list",
  middleware_configs: "proxy middleware (authentication, authorization, filtering)",
  additional_middleware_configs: "proxy middleware",
  embedded_auth_server_config: "the embedded authorization server",
  upstream_swap_config: "upstream token swap",
  aws_sts_config: "AWS STS credentials",
};

/**
 * `remote_auth_config` keys the proxy applies (a bearer token from a secret or a file) or that only tune an
 * OAuth flow; any other with a value (ToolHive's OAuth to a remote server: client_id, issuer, ...) is refused.
 */
const REMOTE_AUTH_ACCEPTED = [
  "bearer_token",
  "bearer_token_file",
  "timeout",
  "callback_port",
  "skip_browser",
  "use_pkce",
];

/** Keys of thv's own schema that the local runner does not apply: reported when they carry a value. */
const NOT_APPLIED_LOCALLY = ["target_host", "scaling_config"] as const;

/** What an imported RunConfig holds that thv does not apply. */
export interface ImportedRunConfig {
  /** The RunConfig, as {@linkcode readRunConfig} reads it. */
  readonly config: RunConfig;
  /** Keys with a value that thv ignores; none of them guards access. */
  readonly ignored: readonly string[];
  /** What migrating an older schema version changed, one line each; empty for a current RunConfig. */
  readonly migrated: readonly string[];
}

/** Whether a key's value asks for anything: null, false, "" and empty lists or objects do not. */
function hasValue(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}

/** The keys of `oidc_config` with what a missing one means (ToolHive may leave empty ones out). */
const OIDC_DEFAULTS = {
  Issuer: "",
  Audience: "",
  JWKSURL: "",
  ClientID: "",
  ClientSecret: "",
  CACertPath: "",
  AuthTokenFile: "",
  AllowPrivateIP: false,
  InsecureAllowHTTP: false,
  IntrospectionURL: "",
  ResourceURL: "",
  Scopes: null,
};

/** An imported `oidc_config` with every key; a client secret in the file is refused (thv keeps none there). */
function importedOidc(value: unknown, source: string): unknown {
  if (!value || typeof value !== "object" || Array.isArray(value)) return value; // the schema names the error
  const oidc = { ...OIDC_DEFAULTS, ...value as Record<string, unknown> };
  if (oidc.ClientSecret) {
    throw new RangeError(
      `RunConfig ${source}: oidc_config.ClientSecret holds a secret, which thv never keeps in a RunConfig: ` +
        `remove it and give the secret in TOOLHIVE_OIDC_CLIENT_SECRET (or --oidc-client-secret)`,
    );
  }
  return oidc;
}

/**
 * Reads a RunConfig from outside thv. Throws a RangeError naming every key that asks for what thv does not
 * enforce; returns the other keys it ignores.
 */
export function parseImportedRunConfig(text: string, source: string): ImportedRunConfig {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(text);
  } catch {
    return { ...readRunConfig(text, source), ignored: [] }; // throws, naming the source
  }
  if (!data || typeof data !== "object" || Array.isArray(data)) return { ...readRunConfig(text, source), ignored: [] };
  // The refusal comes before the schema, which would only complain about the shape of what is refused anyway.
  const refused = Object.keys(data).filter((k) => k in UNENFORCED_RUN_CONFIG_KEYS && hasValue(data[k]));
  const remoteAuth = data.remote_auth_config;
  if (remoteAuth && typeof remoteAuth === "object") {
    for (const [k, v] of Object.entries(remoteAuth)) {
      if (!REMOTE_AUTH_ACCEPTED.includes(k) && hasValue(v)) refused.push(`remote_auth_config.${k}`);
    }
  }
  if (refused.length > 0) {
    const what = (k: string) =>
      k.startsWith("remote_auth_config.") ? "OAuth to a remote server" : UNENFORCED_RUN_CONFIG_KEYS[k];
    const asks = [...new Set(refused.map(what))].join(", ");
    const [verb, them] = refused.length > 1 ? ["ask", "them"] : ["asks", "it"];
    throw new RangeError(
      `RunConfig ${source}: ${refused.join(", ")} ${verb} for ${asks}, which thv does not enforce yet: ` +
        `remove ${them} from the file to run the server without ${them}`,
    );
  }
  if (hasValue(data.oidc_config)) data = { ...data, oidc_config: importedOidc(data.oidc_config, source) };
  // Empty guarding keys ask for nothing; keys not applied here are reported below, not parsed.
  const applied = Object.fromEntries(
    Object.entries(data).filter(([k]) =>
      !(k in UNENFORCED_RUN_CONFIG_KEYS) && !(NOT_APPLIED_LOCALLY as readonly string[]).includes(k)
    ),
  );
  const { config, migrated } = readRunConfig(JSON.stringify(applied), source);
  const known = new Set(Object.keys(RunConfigSchema.shape));
  const ignored = Object.keys(data).filter((k) =>
    hasValue(data[k]) && (!known.has(k) || (NOT_APPLIED_LOCALLY as readonly string[]).includes(k))
  );
  return { config, ignored: ignored.sort(), migrated };
}
