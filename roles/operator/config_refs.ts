/**
 * The custom resources a workload references by name (groups and shared configs), read from its raw spec
 * so an index can be built before, or without, parsing it. The same field names serve MCPServer,
 * MCPRemoteProxy and MCPServerEntry (toolhive-crds.md §0.3).
 * @module
 */

/** A reference from a workload's spec to a custom resource in its namespace. */
export interface ConfigReference {
  /** The referenced kind, e.g. MCPToolConfig. */
  readonly kind: string;
  /** Its name. */
  readonly name: string;
  /** The spec field that holds the reference, e.g. `spec.toolConfigRef`. */
  readonly field: string;
}

/** Spec field → referenced kind. */
const FIELDS: ReadonlyArray<readonly [string, string]> = [
  ["groupRef", "MCPGroup"],
  ["toolConfigRef", "MCPToolConfig"],
  ["oidcConfigRef", "MCPOIDCConfig"],
  ["authzConfigRef", "MCPAuthzConfig"],
  ["telemetryConfigRef", "MCPTelemetryConfig"],
  ["externalAuthConfigRef", "MCPExternalAuthConfig"],
  ["webhookConfigRef", "MCPWebhookConfig"],
];

const nameOf = (value: unknown): string | undefined => {
  const name = (value as { name?: unknown } | undefined)?.name;
  return typeof name === "string" && name !== "" ? name : undefined;
};

/** Every group and shared config `spec` references, in field order; unparseable fields are skipped. */
export function configReferences(spec: unknown): ConfigReference[] {
  if (!spec || typeof spec !== "object") return [];
  const fields = spec as Record<string, unknown>;
  const refs: ConfigReference[] = [];
  for (const [field, kind] of FIELDS) {
    const name = nameOf(fields[field]);
    if (name) refs.push({ kind, name, field: `spec.${field}` });
  }
  // The embedded authorization server is an MCPExternalAuthConfig too (ToolHive indexes both fields as one).
  const authServer = fields.authServerRef as { kind?: unknown } | undefined;
  const authServerName = nameOf(authServer);
  if (authServerName && (authServer?.kind ?? "MCPExternalAuthConfig") === "MCPExternalAuthConfig") {
    refs.push({ kind: "MCPExternalAuthConfig", name: authServerName, field: "spec.authServerRef" });
  }
  return refs;
}
