/**
 * MCPExternalAuthConfig: how a proxy authenticates to what is behind it (token exchange, an injected header, a
 * bearer token, AWS STS, an embedded authorization server, …), shared by the workloads that reference it
 * (`spec.externalAuthConfigRef`, `spec.authServerRef`). Fields, defaults and CEL rules follow ToolHive's
 * (toolhive-crds.md §6).
 * @module
 */
import { z } from "zod";
import { GROUP, V1ALPHA1_DEPRECATED } from "./api_group.ts";
import type { CrdDefinition } from "./crd.ts";
import { EmbeddedAuthServerConfig } from "./embedded_auth_server.ts";
import { int32, withRules } from "./k8s_schema.ts";
import { SecretKeyRef, sharedConfigStatus } from "./shared.ts";

/** The outgoing-auth strategies, each with the sub-object of the same name (none for unauthenticated). */
export const EXTERNAL_AUTH_TYPES = [
  "tokenExchange",
  "headerInjection",
  "bearerToken",
  "unauthenticated",
  "embeddedAuthServer",
  "awsSts",
  "upstreamInject",
  "obo",
  "xaa",
] as const;

/** The sub-objects, in the order of ToolHive's rules. */
const SUB_OBJECTS = [
  "tokenExchange",
  "headerInjection",
  "bearerToken",
  "embeddedAuthServer",
  "awsSts",
  "upstreamInject",
  "obo",
  "xaa",
] as const;

const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:role\/[\w+=,.@\-_/]+$/;

/** RFC 8693 token exchange. */
export const TokenExchangeConfig = z.object({
  tokenUrl: z.string().describe("STS token endpoint."),
  clientId: z.string().optional().describe("Client id (optional for some STSes)."),
  clientSecretRef: SecretKeyRef.optional().describe("Secret key with the client secret."),
  audience: z.string().describe("Requested audience."),
  scopes: z.array(z.string()).optional().describe("Requested scopes."),
  subjectTokenType: z.string()
    .regex(/^(access_token|id_token|jwt|urn:ietf:params:oauth:token-type:(access_token|id_token|jwt))?$/)
    .optional().describe("Subject token type, short form or URN."),
  externalTokenHeaderName: z.string().optional()
    .describe("Put the exchanged token in this header instead of Authorization."),
  subjectProviderName: z.string().optional().describe("Upstream whose token is the subject (embedded server)."),
});

/** AWS STS and SigV4 signing. */
export const AwsStsConfig = z.object({
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/).min(1).describe("AWS region."),
  service: z.string().default("aws-mcp").describe("SigV4 service name."),
  fallbackRoleArn: z.string().regex(ROLE_ARN).optional().describe("Role used when no mapping matches."),
  roleMappings: z.array(z.object({
    claim: z.string().min(1).optional().describe("Claim value to match (exactly one of claim and matcher)."),
    matcher: z.string().min(1).optional().describe("CEL expression over claims."),
    roleArn: z.string().regex(ROLE_ARN).describe("Role to assume."),
    priority: int32({ min: 0 }).optional().describe("Lower first; omitted: lowest."),
  })).optional().describe("Ordered claim-to-role rules."),
  roleClaim: z.string().default("groups").describe("Claim the mappings evaluate."),
  sessionDuration: int32({ min: 900, max: 43200 }).default(3600).describe("STS session seconds."),
  sessionNameClaim: z.string().default("sub").describe("Claim used as the role session name."),
  subjectProviderName: z.string().optional().describe("Upstream token used as web identity."),
});

/** Entra on-behalf-of. */
export const OboConfig = z.object({
  tenantId: z.string()
    .regex(
      /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,})$/,
    )
    .max(253).optional().describe("Entra tenant GUID or domain."),
  authority: z.string().regex(/^https:\/\/[^\s?#@]+[^/\s?#@]$/).optional().describe("Login host override."),
  clientId: z.string().optional().describe("Confidential client id."),
  clientSecretRef: SecretKeyRef.optional().describe("Client secret."),
  audience: z.string().optional().describe("Exchange target when scopes are empty."),
  scopes: z.array(z.string().min(1).max(256)).max(20).optional().describe("Delegated scopes."),
  subjectTokenProviderName: z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/).min(1).max(63).optional()
    .describe("Which identity token is the assertion."),
  cacheSkew: z.string().optional().describe("Cache expiry skew."),
});

/** Cross-Application Access (ID-JAG). */
export const XaaConfig = z.object({
  idpTokenUrl: z.string().regex(/^https:\/\/.*$/).describe("IdP token endpoint (https)."),
  idpClientId: z.string().optional().describe("IdP client id."),
  idpClientSecretRef: SecretKeyRef.optional().describe("IdP client secret."),
  targetTokenUrl: z.string().describe("Target authorization server token endpoint."),
  insecureTargetTokenUrl: z.boolean().optional().describe("Allow an http target URL."),
  targetClientId: z.string().optional().describe("Target client id."),
  targetClientSecretRef: SecretKeyRef.optional().describe("Target client secret."),
  targetAudience: z.string().describe("ID-JAG audience."),
  targetResource: z.string().optional().describe("RFC 8707 resource in the IdP leg."),
  scopes: z.array(z.string()).optional().describe("Requested scopes."),
  subjectProviderName: z.string().optional().describe("Upstream whose ID token is used."),
  subjectTokenType: z.enum(["urn:ietf:params:oauth:token-type:id_token"]).optional()
    .describe("Subject token type (id_token only)."),
});

/** The `spec` of an MCPExternalAuthConfig. */
export const McpExternalAuthConfigSpec = withRules(
  z.object({
    type: z.enum(EXTERNAL_AUTH_TYPES).describe("Outgoing-auth strategy; exactly its sub-object is set."),
    tokenExchange: TokenExchangeConfig.optional().describe("RFC 8693 token exchange (type tokenExchange)."),
    headerInjection: z.object({
      headerName: z.string().min(1).describe("Header name."),
      valueSecretRef: SecretKeyRef.describe("Secret key with the header value."),
    }).optional().describe("A header whose value is a Secret (type headerInjection)."),
    bearerToken: z.object({
      tokenSecretRef: SecretKeyRef.describe("Secret key with the token."),
    }).optional().describe("A static bearer token (type bearerToken)."),
    embeddedAuthServer: EmbeddedAuthServerConfig.optional()
      .describe("Embedded OAuth authorization server (type embeddedAuthServer)."),
    awsSts: AwsStsConfig.optional().describe("AWS STS and SigV4 signing (type awsSts)."),
    upstreamInject: z.object({
      providerName: z.string().min(1).describe("Upstream provider name."),
    }).optional().describe("Inject an upstream access token as Bearer (type upstreamInject)."),
    obo: OboConfig.optional().describe("Entra on-behalf-of (type obo); needs an enterprise build."),
    xaa: XaaConfig.optional().describe("Cross-Application Access (type xaa)."),
  }),
  [
    ...SUB_OBJECTS.map((field) => ({
      rule: `self.type == '${field}' ? has(self.${field}) : !has(self.${field})`,
      message: `${field} configuration must be set if and only if type is '${field}'`,
    })),
    {
      rule: `self.type != 'unauthenticated' || (${SUB_OBJECTS.map((f) => `!has(self.${f})`).join(" && ")})`,
      message: "no configuration must be set when type is 'unauthenticated'",
    },
  ],
);

/** An MCPExternalAuthConfig's spec after defaults. */
export type McpExternalAuthConfigSpec = z.output<typeof McpExternalAuthConfigSpec>;

/** The `status` of an MCPExternalAuthConfig. */
export const McpExternalAuthConfigStatus = sharedConfigStatus();

/** MCPExternalAuthConfig. */
export const MCP_EXTERNAL_AUTH_CONFIG_CRD: CrdDefinition = {
  group: GROUP,
  kind: "MCPExternalAuthConfig",
  plural: "mcpexternalauthconfigs",
  singular: "mcpexternalauthconfig",
  shortNames: ["extauth", "mcpextauth"],
  categories: ["toolhive"],
  description: "How a proxy authenticates to what is behind it, shared by the workloads that reference it.",
  spec: McpExternalAuthConfigSpec,
  status: McpExternalAuthConfigStatus,
  storageVersion: "v1beta1",
  deprecatedVersions: [V1ALPHA1_DEPRECATED],
  printerColumns: [
    { name: "Type", type: "string", jsonPath: ".spec.type" },
    { name: "Valid", type: "string", jsonPath: ".status.conditions[?(@.type=='Valid')].status" },
    { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
  ],
};
