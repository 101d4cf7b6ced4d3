/**
 * MCPOIDCConfig: the identity provider half of OIDC authentication, shared by the workloads that reference it
 * (`spec.oidcConfigRef`, which adds the audience and scopes). Fields follow ToolHive's (toolhive-crds.md §3).
 * @module
 */
import { z } from "zod";
import { GROUP, V1ALPHA1_DEPRECATED } from "./api_group.ts";
import type { CrdDefinition } from "./crd.ts";
import { withRules } from "./k8s_schema.ts";
import { CaBundleSource, SecretKeyRef, sharedConfigStatus } from "./shared.ts";

/** The `spec` of an MCPOIDCConfig. */
export const McpOidcConfigSpec = withRules(
  z.object({
    type: z.enum(["kubernetesServiceAccount", "inline"]).describe(
      "Which identity provider: the cluster's service-account tokens, or one described inline.",
    ),
    kubernetesServiceAccount: z.object({
      issuer: z.string().default("https://kubernetes.default.svc").describe("Issuer the tokens must carry."),
      jwksUrl: z.string().optional().describe("JWKS URL; found by discovery when empty."),
      introspectionUrl: z.string().optional().describe("Token introspection URL; found by discovery when empty."),
      namespace: z.string().optional().describe("Namespace of the service account (informational)."),
      serviceAccount: z.string().optional().describe("Name of the service account (informational)."),
      useClusterAuth: z.boolean().optional().describe(
        "Fetch JWKS with the pod's service-account CA and token; unset means true.",
      ),
    }).optional().describe("Accept Kubernetes service-account tokens (type kubernetesServiceAccount)."),
    inline: z.object({
      issuer: z.string().describe("Issuer URL; https unless insecureAllowHTTP."),
      jwksUrl: z.string().optional().describe("JWKS URL; found by discovery when empty."),
      introspectionUrl: z.string().optional().describe("RFC 7662 introspection URL, for opaque tokens."),
      clientId: z.string().optional().describe("Client id, for introspection."),
      clientSecretRef: SecretKeyRef.optional().describe(
        "Secret key holding the client secret; it reaches the proxy as an environment variable, never in config.",
      ),
      caBundleRef: CaBundleSource.optional().describe("CA bundle for the identity provider's TLS certificate."),
      jwksAuthTokenPath: z.string().optional().describe("File with a bearer token sent when fetching JWKS."),
      jwksAllowPrivateIP: z.boolean().default(false).describe("Allow JWKS and discovery on private addresses."),
      protectedResourceAllowPrivateIP: z.boolean().default(false).describe(
        "Allow the protected-resource endpoint on private addresses.",
      ),
      insecureAllowHTTP: z.boolean().default(false).describe("Allow http issuer and JWKS URLs (development only)."),
    }).optional().describe("An identity provider described here (type inline)."),
  }),
  [
    {
      rule: "self.type == 'kubernetesServiceAccount' ? has(self.kubernetesServiceAccount) : " +
        "!has(self.kubernetesServiceAccount)",
      message: "kubernetesServiceAccount must be set when type is 'kubernetesServiceAccount', and must not be set " +
        "otherwise",
    },
    {
      rule: "self.type == 'inline' ? has(self.inline) : !has(self.inline)",
      message: "inline must be set when type is 'inline', and must not be set otherwise",
    },
  ],
);

/** An MCPOIDCConfig's spec after defaults. */
export type McpOidcConfigSpec = z.output<typeof McpOidcConfigSpec>;

/** The `status` of an MCPOIDCConfig. */
export const McpOidcConfigStatus = sharedConfigStatus();

/** MCPOIDCConfig. */
export const MCP_OIDC_CONFIG_CRD: CrdDefinition = {
  group: GROUP,
  kind: "MCPOIDCConfig",
  plural: "mcpoidcconfigs",
  singular: "mcpoidcconfig",
  shortNames: ["mcpoidc"],
  categories: ["toolhive"],
  description: "An OIDC identity provider, shared by the workloads that authenticate clients with it.",
  spec: McpOidcConfigSpec,
  status: McpOidcConfigStatus,
  storageVersion: "v1beta1",
  deprecatedVersions: [V1ALPHA1_DEPRECATED],
  printerColumns: [
    { name: "Source", type: "string", jsonPath: ".spec.type" },
    { name: "Valid", type: "string", jsonPath: ".status.conditions[?(@.type=='Valid')].status" },
    { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
  ],
};
