/**
 * The MCPServer custom resource (`toolhive.stacklok.dev`): the zod schema every role reads it with, and the
 * single source of its CRD. Field names, defaults and rules follow ToolHive's MCPServer so existing
 * manifests keep working (toolhive-reference.md §1.1); the descriptions are what `kubectl explain` shows.
 * @module
 */
import { z } from "zod";
import { atomicList, int32, listMap, port, preservedObject, stringMap, withRules } from "./k8s_schema.ts";
import { Condition } from "./shared.ts";

export { Condition } from "./shared.ts";

const nameRef = (what: string) =>
  z.object({ name: z.string().min(1).describe(`Name of the ${what} in the MCPServer's namespace.`) });

const envVar = z.object({
  name: z.string().min(1).describe("Name of the environment variable."),
  value: z.string().describe("Value of the environment variable."),
});

const quantities = z.object({
  cpu: z.string().optional().describe("CPU, as a Kubernetes quantity such as 500m."),
  memory: z.string().optional().describe("Memory, as a Kubernetes quantity such as 256Mi."),
});

const tokenBucket = z.object({
  maxTokens: int32({ min: 1 }).describe("Bucket size: how many requests may be made in a burst."),
  refillPeriod: z.string().min(1).describe("How long the bucket takes to refill completely, e.g. 1m."),
});

const authRequired = "has(self.oidcConfigRef) || has(self.externalAuthConfigRef)";

/** The `spec` of an MCPServer. */
export const McpServerSpec = withRules(
  z.object({
    image: z.string().min(1).describe("Container image of the MCP server. Required."),
    transport: z.enum(["stdio", "streamable-http", "sse"]).default("stdio")
      .describe("How the MCP server speaks MCP: over stdin/stdout (stdio), or over HTTP (streamable-http, sse)."),
    proxyMode: z.enum(["sse", "streamable-http"]).default("streamable-http").describe(
      "Protocol the proxy offers clients for a stdio server. HTTP servers are proxied in their own transport.",
    ),
    proxyPort: port().optional().describe(
      "Port the proxy listens on, and the port of Service mcp-<name>-proxy. Defaults to 8080.",
    ),
    mcpPort: port().optional().describe(
      "Port the MCP server listens on inside its container (HTTP transports). Defaults to 8080.",
    ),
    port: port().optional().describe("Deprecated: use proxyPort. Accepted as an alias of proxyPort."),
    targetPort: port().optional().describe("Deprecated: use mcpPort. Accepted as an alias of mcpPort."),
    args: atomicList(z.string()).optional().describe("Arguments passed to the MCP server's container."),
    env: listMap(envVar, ["name"]).optional().describe("Environment variables of the MCP server's container."),
    volumes: listMap(
      z.object({
        name: z.string().min(1).describe("Name of the volume."),
        hostPath: z.string().min(1).describe("Path on the node."),
        mountPath: z.string().min(1).describe("Path inside the container."),
        readOnly: z.boolean().default(false).describe("Mount read-only."),
      }),
      ["name"],
    ).optional().describe("Host paths mounted into the MCP server's pod."),
    resources: z.object({
      limits: quantities.optional().describe("Upper bounds."),
      requests: quantities.optional().describe("What the scheduler reserves."),
    }).optional().describe(
      "CPU and memory of the proxy container (toolhive), as in ToolHive. " +
        "Set the MCP container's resources through podTemplateSpec.",
    ),
    secrets: listMap(
      z.object({
        name: z.string().min(1).describe("Name of the Secret."),
        key: z.string().min(1).describe("Key in the Secret."),
        targetEnvName: z.string().optional().describe("Environment variable to set; defaults to the key."),
      }),
      ["name"],
    ).optional().describe(
      "Secrets exposed to the MCP server as environment variables. Values never enter the " +
        "RunConfig.",
    ),
    serviceAccount: z.string().optional().describe(
      "Existing ServiceAccount for the MCP server's pod. When unset, thv creates <name>-sa.",
    ),
    permissionProfile: z.object({
      type: z.enum(["builtin", "configmap"]).default("builtin").describe("Where the profile comes from."),
      name: z.string().min(1).describe("Builtin profile (none or network), or the name of the ConfigMap."),
      key: z.string().optional().describe("Key in the ConfigMap that holds the profile JSON."),
    }).optional().describe("What the MCP server may reach: file paths and network."),
    podTemplateSpec: preservedObject().optional().describe(
      "A PodTemplateSpec merged into the MCP server's pod; a container named mcp targets the MCP container.",
    ),
    resourceOverrides: z.object({
      proxyDeployment: z.object({
        annotations: stringMap().optional().describe("Annotations added to the proxy Deployment."),
        labels: stringMap().optional().describe("Labels added to the proxy Deployment."),
        podTemplateMetadataOverrides: z.object({
          annotations: stringMap().optional().describe("Annotations added to the proxy pods."),
          labels: stringMap().optional().describe("Labels added to the proxy pods."),
        }).optional().describe("Metadata added to the proxy Deployment's pod template."),
        env: listMap(envVar, ["name"]).optional().describe("Environment variables of the proxy container."),
        imagePullSecrets: atomicList(nameRef("Secret")).optional().describe("Pull secrets of the proxy pod."),
      }).optional().describe("Changes to the proxy Deployment."),
      proxyService: z.object({
        annotations: stringMap().optional().describe("Annotations added to the proxy Service."),
        labels: stringMap().optional().describe("Labels added to the proxy Service."),
      }).optional().describe("Changes to the proxy Service."),
    }).optional().describe("Metadata and environment added to the objects thv creates."),
    oidcConfigRef: z.object({
      name: z.string().min(1).describe("Name of the MCPOIDCConfig."),
      audience: z.string().min(1).describe("Audience that tokens must carry."),
      scopes: atomicList(z.string()).optional().describe("Scopes to advertise; defaults to openid."),
      resourceUrl: z.string().optional().describe("Resource URL advertised in protected-resource metadata."),
    }).optional().describe("Authenticate clients with an MCPOIDCConfig. Without it the proxy is unauthenticated."),
    authzConfig: withRules(
      z.object({
        type: z.enum(["configMap", "inline"]).default("configMap").describe("Where the policies come from."),
        configMap: z.object({
          name: z.string().min(1).describe("Name of the ConfigMap."),
          key: z.string().default("authz.json").describe("Key that holds the authorization config."),
        }).optional().describe("Policies from a ConfigMap (type configMap)."),
        inline: z.object({
          policies: atomicList(z.string()).min(1).describe("Cedar policies."),
          entitiesJson: z.string().default("[]").describe("Cedar entities, as JSON."),
          primaryUpstreamProvider: z.string().optional().describe("Deprecated and ignored."),
        }).optional().describe("Policies written here (type inline)."),
        groupClaimName: z.string().max(253).optional().describe("Token claim that lists the caller's groups."),
        roleClaimName: z.string().max(253).optional().describe("Token claim that lists the caller's roles."),
        groupEntityType: z.string().max(63).regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional()
          .describe("Cedar entity type of groups."),
      }),
      [
        {
          rule: "self.type == 'configMap' ? has(self.configMap) : !has(self.configMap)",
          message: "configMap must be set when type is 'configMap', and must not be set otherwise",
        },
        {
          rule: "self.type == 'inline' ? has(self.inline) : !has(self.inline)",
          message: "inline must be set when type is 'inline', and must not be set otherwise",
        },
      ],
    ).optional().describe("Cedar authorization of MCP requests, written here."),
    authzConfigRef: nameRef("MCPAuthzConfig").optional().describe("Cedar authorization from an MCPAuthzConfig."),
    audit: z.object({ enabled: z.boolean().default(false).describe("Write audit events.") }).optional()
      .describe("Audit logging of MCP requests."),
    toolConfigRef: nameRef("MCPToolConfig").optional().describe("Tool filtering and renaming."),
    externalAuthConfigRef: nameRef("MCPExternalAuthConfig").optional().describe(
      "How the proxy authenticates to the MCP server or its upstream APIs.",
    ),
    webhookConfigRef: nameRef("MCPWebhookConfig").optional().describe("Webhooks called for MCP requests."),
    authServerRef: z.object({
      kind: z.enum(["MCPExternalAuthConfig"]).default("MCPExternalAuthConfig").describe("Kind of the object."),
      name: z.string().min(1).describe("Name of the object."),
    }).optional().describe("Embedded OAuth authorization server."),
    telemetryConfigRef: z.object({
      name: z.string().min(1).describe("Name of the MCPTelemetryConfig."),
      serviceName: z.string().optional().describe("Service name in traces and metrics; defaults to thv-<name>."),
    }).optional().describe("OpenTelemetry and Prometheus settings."),
    trustProxyHeaders: z.boolean().default(false).describe(
      "Honour X-Forwarded-Proto, -Host, -Port and -Prefix from a trusted ingress.",
    ),
    endpointPrefix: z.string().optional().describe(
      "Path prefix for SSE endpoint URLs behind a path-stripping ingress.",
    ),
    groupRef: nameRef("MCPGroup").optional().describe("MCPGroup this server belongs to."),
    sessionAffinity: z.enum(["ClientIP", "None"]).default("ClientIP").describe(
      "Session affinity of the proxy Service.",
    ),
    replicas: int32({ min: 0 }).optional().describe(
      "Proxy replicas. When unset, thv leaves the Deployment's replicas alone (for an autoscaler). " +
        "stdio servers run one.",
    ),
    backendReplicas: int32({ min: 0 }).optional().describe("Replicas of the MCP server's StatefulSet."),
    sessionStorage: withRules(
      z.object({
        provider: z.enum(["memory", "redis"]).describe("Where sessions are kept."),
        address: z.string().min(1).optional().describe("Redis address, host:port."),
        db: int32({ min: 0 }).default(0).describe("Redis database number."),
        keyPrefix: z.string().optional().describe("Prefix of the Redis keys."),
        passwordRef: z.object({
          name: z.string().min(1).describe("Name of the Secret."),
          key: z.string().min(1).describe("Key in the Secret."),
        }).optional().describe("Secret that holds the Redis password."),
      }),
      [{ rule: "self.provider != 'redis' || has(self.address)", message: "address is required" }],
    ).optional().describe("Where MCP sessions are stored when the proxy has several replicas."),
    rateLimiting: withRules(
      z.object({
        shared: tokenBucket.optional().describe("One bucket for all callers."),
        perUser: tokenBucket.optional().describe("One bucket per authenticated caller."),
        tools: listMap(
          withRules(
            z.object({
              name: z.string().min(1).describe("Tool name."),
              shared: tokenBucket.optional().describe("One bucket for all callers of this tool."),
              perUser: tokenBucket.optional().describe("One bucket per caller of this tool."),
            }),
            [{
              rule: "has(self.shared) || has(self.perUser)",
              message: "at least one of shared or perUser must be configured",
            }],
          ),
          ["name"],
        ).max(256).optional().describe("Limits per tool."),
      }),
      [{
        rule: "has(self.shared) || has(self.perUser) || (has(self.tools) && size(self.tools) > 0)",
        message: "at least one of shared, perUser, or tools must be configured",
      }],
    ).optional().describe("Token-bucket rate limits on MCP requests."),
  }),
  [
    {
      rule: "!(has(self.authzConfig) && has(self.authzConfigRef))",
      message:
        "authzConfig and authzConfigRef are mutually exclusive; use authzConfigRef to reference a shared MCPAuthzConfig",
    },
    {
      rule: "!has(self.rateLimiting) || (has(self.sessionStorage) && self.sessionStorage.provider == 'redis')",
      message: "rateLimiting requires sessionStorage with provider 'redis'",
    },
    {
      rule: `!has(self.rateLimiting) || !has(self.rateLimiting.perUser) || ${authRequired}`,
      message: "rateLimiting.perUser requires authentication (oidcConfigRef or externalAuthConfigRef)",
    },
    {
      rule: `!has(self.rateLimiting) || !has(self.rateLimiting.tools) || ` +
        `self.rateLimiting.tools.all(t, !has(t.perUser)) || ${authRequired}`,
      message: "per-tool perUser rate limiting requires authentication (oidcConfigRef or externalAuthConfigRef)",
    },
    {
      rule: "!has(self.port) || !has(self.proxyPort) || self.port == self.proxyPort",
      message: "port is a deprecated alias of proxyPort: set only proxyPort",
    },
    {
      rule: "!has(self.targetPort) || !has(self.mcpPort) || self.targetPort == self.mcpPort",
      message: "targetPort is a deprecated alias of mcpPort: set only mcpPort",
    },
  ],
);

/** The phases an MCPServer reports in `status.phase`. */
export const MCP_SERVER_PHASES = ["Pending", "Ready", "Failed", "Terminating", "Stopped"] as const;

/** The `status` of an MCPServer, written by the operator. */
export const McpServerStatus = z.object({
  phase: z.enum(MCP_SERVER_PHASES).optional().describe("Summary of the server's state."),
  message: z.string().optional().describe("Details of the phase."),
  url: z.string().optional().describe("URL that MCP clients use, inside the cluster."),
  readyReplicas: int32({ min: 0 }).optional().describe("Proxy replicas that are ready."),
  observedGeneration: z.int().min(0).optional().meta({ format: "int64" })
    .describe("Generation of the spec this status describes."),
  conditions: listMap(Condition, ["type"]).optional().describe("Detailed conditions."),
  toolConfigHash: z.string().optional().describe("Hash of the MCPToolConfig applied."),
  externalAuthConfigHash: z.string().optional().describe("Hash of the MCPExternalAuthConfig applied."),
  authServerConfigHash: z.string().optional().describe("Hash of the auth server config applied."),
  authzConfigHash: z.string().optional().describe("Hash of the MCPAuthzConfig applied."),
  oidcConfigHash: z.string().optional().describe("Hash of the MCPOIDCConfig applied."),
  telemetryConfigHash: z.string().optional().describe("Hash of the MCPTelemetryConfig applied."),
  webhookConfigHash: z.string().optional().describe("Hash of the MCPWebhookConfig applied."),
});

/** An MCPServer's spec after defaults. */
export type McpServerSpec = z.output<typeof McpServerSpec>;

/** An MCPServer's status. */
export type McpServerStatus = z.output<typeof McpServerStatus>;

/** An MCPServer object as the operator reads it. */
export interface McpServer {
  /** `toolhive.stacklok.dev/v1beta1` (what the API server returns for the storage version). */
  readonly apiVersion: string;
  /** Always `MCPServer`. */
  readonly kind: string;
  /** Object metadata. */
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly uid: string;
    readonly generation?: number;
    readonly resourceVersion?: string;
    readonly deletionTimestamp?: string;
    readonly finalizers?: readonly string[];
    readonly annotations?: Readonly<Record<string, string>>;
    readonly labels?: Readonly<Record<string, string>>;
  };
  /** Desired state, with defaults. */
  readonly spec: McpServerSpec;
  /** Observed state. */
  readonly status?: McpServerStatus;
}
