/**
 * MCPExternalAuthConfig as a shared-config kind: the checks its controller runs on a stored spec, with
 * ToolHive's messages and reasons (toolhive-crds.md §6). Type obo needs ToolHive's enterprise handler, which
 * thv does not have: such a config is never valid (reason EnterpriseRequired, as ToolHive's default build).
 * @module
 */
import { type EmbeddedAuthServerConfig, McpExternalAuthConfigSpec } from "../../../crds/mod.ts";
import { MCP_EXTERNAL_AUTH_CONFIG } from "../kinds.ts";
import type { SharedConfigKind, SpecProblem } from "./kind.ts";

const SUB_OBJECTS = [
  "tokenExchange",
  "headerInjection",
  "bearerToken",
  "embeddedAuthServer",
  "awsSts",
  "upstreamInject",
  "xaa",
  "obo",
] as const;

/** The message of ToolHive's default build for type obo. */
export const OBO_ENTERPRISE_REQUIRED = "on-behalf-of (OBO) external auth type requires an enterprise build";

/** The problem of an embedded authorization server's config beyond its schema, or undefined. */
function checkEmbedded(config: EmbeddedAuthServerConfig): string | undefined {
  const upstreams = config.upstreamProviders ?? [];
  if (upstreams.length === 0) return "at least one upstream provider is required";
  const seen = new Set<string>();
  for (const [i, u] of upstreams.entries()) {
    const at = `upstreamProviders[${i}]`;
    if (seen.has(u.name)) return `${at}: duplicate name "${u.name}"`;
    seen.add(u.name);
    const consistent = u.type === "oidc"
      ? u.oidcConfig && !u.oauth2Config
      : u.type === "oauth2" && u.oauth2Config && !u.oidcConfig;
    if (!consistent) {
      return `${at}: type must be 'oidc' or 'oauth2'; oidcConfig must be set when type is 'oidc' and ` +
        "oauth2Config must be set when type is 'oauth2' (and the other must not be set)";
    }
    const o = u.oauth2Config;
    if (!o) continue;
    if (Boolean(o.clientId) === Boolean(o.dcrConfig)) {
      return `${at}: oauth2Config: exactly one of clientId or dcrConfig must be set`;
    }
    if (o.dcrConfig && o.clientSecretRef) {
      return `${at}: oauth2Config: clientSecretRef must not be set when dcrConfig is set; ` +
        "the client_secret is obtained at runtime via Dynamic Client Registration";
    }
    if (o.dcrConfig && Boolean(o.dcrConfig.discoveryUrl) === Boolean(o.dcrConfig.registrationEndpoint)) {
      return `${at}: oauth2Config.dcrConfig: exactly one of discoveryUrl or registrationEndpoint must be set`;
    }
    if (o.identityFromToken && !o.identityFromToken.subjectPath) {
      return `${at}: oauth2Config.identityFromToken.subjectPath must not be empty when identityFromToken is set`;
    }
  }
  return undefined;
}

/** The problem of an MCPExternalAuthConfig spec beyond its schema (with its reason when not ValidationFailed). */
export function checkExternalAuthConfig(spec: McpExternalAuthConfigSpec): string | SpecProblem | undefined {
  for (const field of SUB_OBJECTS) {
    if ((spec[field] !== undefined) !== (spec.type === field)) {
      if (spec.type === "unauthenticated") return "no configuration must be set when type is 'unauthenticated'";
      return `${field} configuration must be set if and only if type is '${field}'`;
    }
  }
  switch (spec.type) {
    case "embeddedAuthServer":
      return checkEmbedded(spec.embeddedAuthServer!);
    case "awsSts": {
      const sts = spec.awsSts!;
      if (!sts.region) return "awsSts.region is required";
      if (!sts.fallbackRoleArn && !sts.roleMappings?.length) {
        return "awsSts: at least one of fallbackRoleArn or roleMappings must be configured";
      }
      for (const [i, m] of (sts.roleMappings ?? []).entries()) {
        if (!m.roleArn) return `awsSts.roleMappings[${i}].roleArn is required`;
        if (m.claim && m.matcher) return `awsSts.roleMappings[${i}]: claim and matcher are mutually exclusive`;
        if (!m.claim && !m.matcher) return `awsSts.roleMappings[${i}]: exactly one of claim or matcher must be set`;
      }
      if (sts.sessionDuration < 900 || sts.sessionDuration > 43200) {
        return "awsSts.sessionDuration must be between 900 and 43200 seconds";
      }
      return undefined;
    }
    case "upstreamInject":
      return spec.upstreamInject!.providerName ? undefined : "upstreamInject requires a non-empty providerName";
    case "obo":
      return { reason: "EnterpriseRequired", message: OBO_ENTERPRISE_REQUIRED };
    default:
      return undefined;
  }
}

/** MCPExternalAuthConfig. */
export const EXTERNAL_AUTH_CONFIG_KIND: SharedConfigKind = {
  kind: MCP_EXTERNAL_AUTH_CONFIG,
  finalizer: "mcpexternalauthconfig.toolhive.stacklok.dev/finalizer",
  spec: McpExternalAuthConfigSpec,
  validReason: "ValidationSucceeded",
  invalidReason: "ValidationFailed",
  check: checkExternalAuthConfig as (spec: never) => string | SpecProblem | undefined,
};
