/**
 * MCPOIDCConfig's checks beyond the schema (toolhive-crds.md §3, §0.7): the sub-object matches the type, and
 * an inline provider's issuer, JWKS URL and CA bundle reference are usable. ToolHive's messages.
 * @module
 */
import { McpOidcConfigSpec } from "../../../crds/mod.ts";
import { MCP_OIDC_CONFIG } from "../kinds.ts";
import type { SharedConfigKind } from "./kind.ts";

/** The longest CA ConfigMap name that still fits the volume name `oidc-ca-bundle-<name>` (63 characters). */
const MAX_CA_CONFIGMAP_NAME = 63 - "oidc-ca-bundle-".length;

const INSECURE = "uses HTTP scheme, which is insecure; use HTTPS or set insecureAllowHTTP: true for development only";

/** A URL split as Go's `url.Parse` would: scheme and host may be empty; an error when it does not parse. */
function splitUrl(text: string): { scheme: string; host: string } | { error: string } {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text)?.[1];
  if (!scheme) {
    return [...text].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)
      ? { error: `parse "${text}": net/url: invalid control character in URL` }
      : { scheme: "", host: "" };
  }
  try {
    const url = new URL(text);
    // WHATWG URLs read `https:host` as `https://host`; Go's parser (ToolHive's) sees no host there.
    const authority = text.slice(scheme.length + 1).startsWith("//");
    return { scheme: scheme.toLowerCase(), host: authority ? url.host : "" };
  } catch {
    return { error: `parse "${text}": invalid URL` };
  }
}

/** The issuer's problem, or undefined. */
export function issuerProblem(issuer: string, insecureAllowHTTP: boolean): string | undefined {
  if (issuer === "") return undefined;
  const url = splitUrl(issuer);
  if ("error" in url) return `OIDC issuer URL "${issuer}" is malformed: ${url.error}`;
  if (url.scheme === "" || url.host === "") return `OIDC issuer URL "${issuer}" is malformed: missing scheme or host`;
  if (url.scheme === "http") return insecureAllowHTTP ? undefined : `OIDC issuer URL "${issuer}" ${INSECURE}`;
  if (url.scheme !== "https") {
    return `OIDC issuer URL "${issuer}" has unsupported scheme "${url.scheme}"; must be http or https`;
  }
  return undefined;
}

/** The JWKS URL's problem, or undefined. */
export function jwksProblem(jwksUrl: string, insecureAllowHTTP: boolean): string | undefined {
  if (jwksUrl === "") return undefined;
  const url = splitUrl(jwksUrl);
  if ("error" in url) return `JWKS URL is invalid: ${url.error}`;
  if (url.scheme === "http" && !insecureAllowHTTP) return `JWKS URL "${jwksUrl}" ${INSECURE}`;
  if (url.scheme !== "http" && url.scheme !== "https") {
    return `JWKS URL "${jwksUrl}" has unsupported scheme "${url.scheme}"; must be http or https`;
  }
  if (url.host === "") return "JWKS URL must have a valid host";
  return undefined;
}

/** The CA bundle reference's problem, or undefined. */
export function caBundleProblem(ref: NonNullable<McpOidcConfigSpec["inline"]>["caBundleRef"]): string | undefined {
  if (!ref) return undefined;
  if (!ref.configMapRef) return "configMapRef must be specified in caBundleRef";
  const name = ref.configMapRef.name;
  if (name === "") return "configMapRef.name must be specified";
  if (name.length > MAX_CA_CONFIGMAP_NAME) {
    return `configMapRef.name "${name}" is too long (${name.length} chars); maximum is ${MAX_CA_CONFIGMAP_NAME} ` +
      "characters to fit in Kubernetes volume name";
  }
  return undefined;
}

/** Everything wrong with an MCPOIDCConfig spec ToolHive's controller would report; the first problem. */
export function checkOidcConfig(spec: McpOidcConfigSpec): string | undefined {
  if ((spec.type === "kubernetesServiceAccount") !== (spec.kubernetesServiceAccount !== undefined)) {
    return "kubernetesServiceAccount configuration must be set if and only if type is 'kubernetesServiceAccount'";
  }
  if ((spec.type === "inline") !== (spec.inline !== undefined)) {
    return "inline configuration must be set if and only if type is 'inline'";
  }
  const inline = spec.inline;
  if (!inline) return undefined;
  return issuerProblem(inline.issuer, inline.insecureAllowHTTP) ??
    jwksProblem(inline.jwksUrl ?? "", inline.insecureAllowHTTP) ??
    caBundleProblem(inline.caBundleRef);
}

/** MCPOIDCConfig. */
export const OIDC_CONFIG_KIND: SharedConfigKind = {
  kind: MCP_OIDC_CONFIG,
  finalizer: "mcpoidcconfig.toolhive.stacklok.dev/finalizer",
  spec: McpOidcConfigSpec,
  validReason: "ConfigValid",
  invalidReason: "ConfigInvalid",
  check: checkOidcConfig as (spec: never) => string | undefined,
};
