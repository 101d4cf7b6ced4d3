/**
 * `thv export --format k8s`: a workload's RunConfig as the MCPServer manifest (plus a ConfigMap for a custom
 * permission profile, an MCPToolConfig for a tool filter or override) that the operator turns into the same
 * server on Kubernetes. The local proxy port is left out: in a cluster the Service's port is the operator's default. Secrets become references to keys of
 * a Secret `<name>-secrets`, which the user creates in the cluster. Pure.
 * @module
 */
import { stringify } from "yaml";
import type { RunConfig } from "../run_config.ts";
import { parseSecretRef } from "../state/mod.ts";
import { oidcManifests } from "./export_oidc.ts";

/** Whether `config` turns audit on (as the proxy reads it: lib/middleware). */
function asksForAudit(config: RunConfig): boolean {
  return !!config.audit_config_path || (!!config.audit_config && config.audit_config.enabled !== false);
}

/** The Kubernetes objects that run `config` under the operator. */
export function kubernetesManifests(config: RunConfig): Record<string, unknown>[] {
  if (/^[a-z]+:\/\//.test(config.image)) {
    throw new RangeError(
      `Workload ${config.name} runs ${config.image} in the Deno sandbox: Kubernetes needs a container image; ` +
        "run an image of the server instead",
    );
  }
  if (config.validating_webhooks?.length || config.mutating_webhooks?.length) {
    throw new RangeError(
      `Workload ${config.name} calls webhooks: write them as an MCPWebhookConfig (their keys as Secrets) and ` +
        "reference it from the MCPServer's webhookConfigRef",
    );
  }
  // An MCPServer turns audit on or off; the details of a local audit config (a file, event types) stay local.
  const audited = asksForAudit(config);
  const objects: Record<string, unknown>[] = [];
  let permissionProfile: Record<string, string> | undefined;
  if (config.permission_profile) {
    const configMap = `${config.name}-permission-profile`;
    objects.push({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: configMap },
      data: { "profile.json": JSON.stringify(config.permission_profile, null, 2) + "\n" },
    });
    permissionProfile = { type: "configmap", name: configMap, key: "profile.json" };
  } else if (
    config.permission_profile_name_or_path === "none" || config.permission_profile_name_or_path === "network"
  ) {
    permissionProfile = { type: "builtin", name: config.permission_profile_name_or_path };
  }
  const volumes = config.volumes.map((entry, i) => {
    const readOnly = entry.endsWith(":ro");
    const [hostPath = "", mountPath = hostPath] = (readOnly ? entry.slice(0, -3) : entry).split(":");
    return { name: `volume-${i + 1}`, hostPath, mountPath, readOnly };
  });
  const toolConfig = config.tools_filter?.length || config.tools_override ? `${config.name}-tools` : undefined;
  if (toolConfig) {
    objects.push({
      apiVersion: "toolhive.stacklok.dev/v1beta1",
      kind: "MCPToolConfig",
      metadata: { name: toolConfig },
      spec: {
        ...(config.tools_filter?.length ? { toolsFilter: [...config.tools_filter] } : {}),
        ...(config.tools_override ? { toolsOverride: config.tools_override } : {}),
      },
    });
  }
  const oidc = oidcManifests(config);
  if (oidc) objects.push(oidc.object);
  const telemetry = telemetryConfigOf(config);
  if (telemetry) objects.push(telemetry.object);
  const env = Object.keys(config.env_vars).sort().map((name) => ({ name, value: config.env_vars[name]! }));
  objects.push({
    apiVersion: "toolhive.stacklok.dev/v1beta1",
    kind: "MCPServer",
    metadata: { name: config.name },
    spec: {
      image: config.image,
      transport: config.transport,
      ...(config.transport === "stdio" && config.proxy_mode ? { proxyMode: config.proxy_mode } : {}),
      ...(config.transport !== "stdio" && config.target_port ? { mcpPort: config.target_port } : {}),
      ...(config.cmd_args.length ? { args: [...config.cmd_args] } : {}),
      ...(env.length ? { env } : {}),
      ...(volumes.length ? { volumes } : {}),
      ...(config.secrets.length
        ? {
          secrets: config.secrets.map((ref) => {
            const { name, target } = parseSecretRef(ref);
            return { name: `${config.name}-secrets`, key: name, targetEnvName: target };
          }),
        }
        : {}),
      ...(permissionProfile ? { permissionProfile } : {}),
      ...(config.trust_proxy_headers ? { trustProxyHeaders: true } : {}),
      ...(config.endpoint_prefix ? { endpointPrefix: config.endpoint_prefix } : {}),
      ...(toolConfig ? { toolConfigRef: { name: toolConfig } } : {}),
      ...(oidc ? { oidcConfigRef: oidc.ref } : {}),
      ...(audited ? { audit: { enabled: true } } : {}),
      ...(telemetry ? { telemetryConfigRef: telemetry.ref } : {}),
    },
  });
  return objects;
}

/** The manifests of {@linkcode kubernetesManifests} as one YAML stream. */
export function kubernetesYaml(config: RunConfig): string {
  return kubernetesManifests(config).map((o) => stringify(o, { lineWidth: 0 })).join("---\n");
}

/** The MCPTelemetryConfig `<name>-telemetry` for a RunConfig's `telemetry_config`, when it asks for an export. */
function telemetryConfigOf(
  config: RunConfig,
): { object: Record<string, unknown>; ref: Record<string, string> } | undefined {
  const t = config.telemetry_config;
  const otlp = !!t?.endpoint && (t.tracingEnabled === true || t.metricsEnabled === true);
  if (!t || (!otlp && !t.enablePrometheusMetricsPath)) return undefined;
  const name = `${config.name}-telemetry`;
  const rate = t.samplingRate === undefined ? undefined : String(Math.min(1, Math.max(0, Number(t.samplingRate))));
  const openTelemetry = otlp
    ? {
      enabled: true,
      endpoint: t.endpoint,
      ...(t.insecure ? { insecure: true } : {}),
      ...(t.headers && Object.keys(t.headers).length ? { headers: { ...t.headers } } : {}),
      ...(t.customAttributes ? { resourceAttributes: { ...t.customAttributes } } : {}),
      tracing: { enabled: t.tracingEnabled === true, ...(rate !== undefined ? { samplingRate: rate } : {}) },
      metrics: { enabled: t.metricsEnabled === true },
      ...(t.useLegacyAttributes !== undefined ? { useLegacyAttributes: t.useLegacyAttributes } : {}),
    }
    : undefined;
  return {
    object: {
      apiVersion: "toolhive.stacklok.dev/v1beta1",
      kind: "MCPTelemetryConfig",
      metadata: { name },
      spec: {
        ...(openTelemetry ? { openTelemetry } : {}),
        ...(t.enablePrometheusMetricsPath ? { prometheus: { enabled: true } } : {}),
      },
    },
    ref: { name, ...(t.serviceName ? { serviceName: t.serviceName } : {}) },
  };
}
