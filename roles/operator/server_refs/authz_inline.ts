/**
 * `spec.authzConfig` → AuthzConfigValidated and RunConfig `authz_config` (toolhive-crds.md §15): inline Cedar
 * policies as `{"version": "1.0", "type": "cedarv1", "cedar": {policies, entities_json, claim names}}`, or the
 * authorization file a ConfigMap holds (YAML or JSON, checked like an MCPAuthzConfig, Cedar claim-name
 * overrides applied). The ConfigMap's text goes into the RunConfig, so a change of it rolls the proxy pods
 * through the RunConfig checksum. A missing, empty or invalid ConfigMap fails the server (never a proxy
 * without its policies), with ToolHive's messages.
 * @module
 */
import { parse as parseYaml } from "yaml";
import type { McpServer } from "../../../crds/mod.ts";
import type { RunConfig } from "../../../lib/run_config.ts";
import type { RefContribution, ServerRefHandler } from "../server_refs.ts";
import { AUTHZ_BACKENDS, checkAuthzConfig } from "../shared_config/mod.ts";

type AuthzSpec = NonNullable<McpServer["spec"]["authzConfig"]>;
type Fields = Record<string, unknown>;
const CONDITION = "AuthzConfigValidated";

/** The data of the ConfigMap `spec.authzConfig.configMap` names, as the reconciler found it (undefined: none). */
export type AuthzConfigMapData = Readonly<Record<string, string>> | undefined;

/** The Cedar claim-name options of `spec.authzConfig`, in the file's snake_case. */
function claimNames(spec: AuthzSpec): Fields {
  return {
    ...(spec.groupClaimName ? { group_claim_name: spec.groupClaimName } : {}),
    ...(spec.roleClaimName ? { role_claim_name: spec.roleClaimName } : {}),
    ...(spec.groupEntityType ? { group_entity_type: spec.groupEntityType } : {}),
  };
}

function invalid(message: string): RefContribution {
  const full = `Failed to build configuration: ${message}`;
  return {
    condition: { type: CONDITION, status: "False", reason: "AuthzConfigInvalid", message: full },
    failure: { reason: "AuthzConfigInvalid", message: full },
  };
}

function valid(file: Fields, message: string): RefContribution {
  return {
    condition: { type: CONDITION, status: "True", reason: "AuthzConfigValid", message },
    runConfig: { authz_config: file as NonNullable<RunConfig["authz_config"]> },
  };
}

/** What `spec.authzConfig` contributes, given the data of its ConfigMap (type configMap). Pure. */
export function inlineAuthzContribution(server: McpServer, configMap: AuthzConfigMapData): RefContribution {
  const spec = server.spec.authzConfig;
  if (!spec) return {};
  if (spec.type === "inline") {
    const inline = spec.inline!;
    return valid({
      version: "1.0",
      type: "cedarv1",
      cedar: { policies: [...inline.policies], entities_json: inline.entitiesJson ?? "[]", ...claimNames(spec) },
    }, "inline authorization policies are valid");
  }
  const ref = spec.configMap!;
  const key = ref.key ?? "authz.json";
  const where = `${server.metadata.namespace}/${ref.name}`;
  if (!configMap) return invalid(`failed to get Authz ConfigMap ${where}: configmaps "${ref.name}" not found`);
  if (!(key in configMap)) return invalid(`authz ConfigMap ${where} is missing key "${key}"`);
  const text = configMap[key]!;
  if (text.trim() === "") return invalid(`authz ConfigMap ${where} key "${key}" is empty`);
  let file: unknown;
  try {
    file = parseYaml(text); // YAML is a superset of JSON: both forms parse
  } catch (e) {
    return invalid(`failed to parse authz config from ConfigMap ${where}: ${(e as Error).message.split("\n")[0]}`);
  }
  const problem = fileProblem(file);
  if (problem) return invalid(`invalid authz config from ConfigMap ${where}: ${problem}`);
  const checked = file as Fields;
  const out = checked.type === "cedarv1"
    ? { ...checked, cedar: { ...(checked.cedar as Fields), ...claimNames(spec) } }
    : checked;
  return valid(out, `authorization config from ConfigMap ${ref.name} is valid`);
}

/** The first problem of an authorization file's envelope and backend options (MCPAuthzConfig's checks). */
function fileProblem(file: unknown): string | undefined {
  if (!file || typeof file !== "object" || Array.isArray(file)) {
    return "give an object with version, type and cedar or pdp";
  }
  const f = file as Fields;
  if (typeof f.version !== "string" || f.version === "") return "version is required";
  if (typeof f.type !== "string" || f.type === "") return "type is required";
  const key = AUTHZ_BACKENDS[f.type];
  if (!key) {
    return `unsupported configuration type: ${f.type} (registered types: [${Object.keys(AUTHZ_BACKENDS).join(" ")}])`;
  }
  if (f[key] === undefined) return `configuration data is required for type ${f.type}`;
  return checkAuthzConfig({ type: f.type, config: f[key] as Record<string, unknown> });
}

/** The handler of `spec.authzConfig`, over the data of its ConfigMap. */
export function inlineAuthzHandler(configMap: AuthzConfigMapData): ServerRefHandler {
  return { conditionType: CONDITION, resolve: (server) => inlineAuthzContribution(server, configMap) };
}
