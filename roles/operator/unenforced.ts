/**
 * Fail closed (decision 010): the MCPServer fields thv accepts, because ToolHive's manifests carry them, but
 * does not enforce yet. A field that guards access (authentication, authorization, rate limits, a permission profile
 * no NetworkPolicy can express) refuses the server: no proxy runs, since it would serve anyone. A field that guards
 * nothing (session storage) lets the server run, with a condition and a Warning Event saying it is not applied.
 * Pure: the reconciler supplies what it read. `spec.telemetryConfigRef` is applied (lib/telemetry).
 * `spec.externalAuthConfigRef` is enforced for the types lib/outgoing implements, and refused for the others.
 * `spec.audit` and `spec.webhookConfigRef` are enforced by the proxy (lib/audit, lib/webhooks), not refused.
 * @module
 */
import type { McpServer } from "../../crds/mod.ts";
import { profileNetwork } from "./desired/mod.ts";

/** One field thv does not enforce, and the condition that reports it. */
export interface UnenforcedField {
  /** The field's path, e.g. `spec.oidcConfigRef`. */
  readonly field: string;
  /** Condition type (ToolHive's where it has one). */
  readonly conditionType: string;
  /** Condition status: False for a refused or unapplied config, True for a warning-style condition. */
  readonly conditionStatus: "True" | "False";
  /** CamelCase reason, also the reason of the Warning Event. */
  readonly reason: string;
  /** What is wrong and what to do, naming the field. */
  readonly message: string;
}

/** What {@linkcode unenforcedFields} found. */
export interface Unenforced {
  /** Fields that refuse the server: phase Failed, no proxy. */
  readonly refused: readonly UnenforcedField[];
  /** Fields the server runs without: a condition and a Warning Event each. */
  readonly notApplied: readonly UnenforcedField[];
}

/** What the reconciler read that the check needs. */
export interface UnenforcedInputs {
  /** The text of a `configmap` permission profile, when its ConfigMap and key exist. */
  readonly profileJson?: string;
  /**
   * Condition types of references that are missing or invalid (server_refs.ts): their own NotFound/NotValid
   * condition and failure say more than a refusal, so they are not refused here.
   */
  readonly unresolved?: readonly string[];
  /**
   * The `type` of the MCPExternalAuthConfig `spec.externalAuthConfigRef` resolves to, when it is valid: one the
   * proxy enforces (lib/outgoing) is not refused. Absent (a caller that does not apply the reference): refused.
   */
  readonly externalAuthType?: string;
}

/** MCPExternalAuthConfig types the proxy enforces (lib/outgoing); a reference to another type is refused. */
export const ENFORCED_EXTERNAL_AUTH_TYPES: ReadonlySet<string> = new Set([
  "tokenExchange",
  "bearerToken",
  "headerInjection",
  "unauthenticated",
]);

/** What each refused MCPExternalAuthConfig type asks for. */
const EXTERNAL_AUTH_ASKS: Readonly<Record<string, string>> = {
  embeddedAuthServer: "the embedded authorization server",
  awsSts: "AWS STS credentials",
  upstreamInject: "upstream token injection",
  obo: "on-behalf-of token exchange",
  xaa: "Cross-Application Access",
};

type Refusal = { field: string; type: string; reason: string; what: string };

/** The access-guarding fields, each with the condition that reports it (ToolHive's type where it has one). */
const GUARDS: ReadonlyArray<Refusal & { key: keyof McpServer["spec"] }> = [
  {
    key: "authServerRef",
    field: "spec.authServerRef",
    type: "AuthServerRefValidated",
    reason: "AuthServerRefNotSupported",
    what: "the embedded authorization server",
  },
  {
    key: "externalAuthConfigRef",
    field: "spec.externalAuthConfigRef",
    type: "ExternalAuthConfigValidated",
    reason: "ExternalAuthConfigNotSupported",
    what: "external authentication",
  },
  {
    key: "rateLimiting",
    field: "spec.rateLimiting",
    type: "RateLimitConfigValid",
    reason: "RateLimitNotSupported",
    what: "rate limiting",
  },
];

/** Set by thv versions that refused spec.audit (the proxy audits now): removed from the status where found. */
const AUDIT_TYPE = "AuditConfigValidated";
const PROFILE_TYPE = "PermissionProfileValidated";

/**
 * Every condition type this module sets (on an MCPServer or an MCPRemoteProxy): one that no longer applies is
 * removed from the status.
 */
export const UNENFORCED_CONDITION_TYPES: ReadonlySet<string> = new Set([
  ...GUARDS.map((g) => g.type),
  AUDIT_TYPE,
  PROFILE_TYPE,
  "TelemetryConfigRefValidated",
  "SessionStorageWarning",
]);

function refusal(r: Refusal): UnenforcedField {
  return {
    field: r.field,
    conditionType: r.type,
    conditionStatus: "False",
    reason: r.reason,
    message: `${r.field} asks for ${r.what}, which thv does not enforce yet, so no proxy runs: ` +
      `remove ${r.field} to run the server without it, or run this server with ToolHive's operator`,
  };
}

/** The permission profile's refusal, if its network restriction cannot be enforced by a NetworkPolicy. */
function profileRefusal(server: McpServer, inputs: UnenforcedInputs): UnenforcedField | undefined {
  // A missing ConfigMap or key is reported as a missing reference (phase Pending); the policy allows nothing.
  const network = profileNetwork(server, inputs.profileJson);
  if (!network || network.ok) return undefined;
  return {
    field: "spec.permissionProfile",
    conditionType: PROFILE_TYPE,
    conditionStatus: "False",
    reason: network.reason,
    message: network.message,
  };
}

/** The fields of `server` that thv does not enforce: those that refuse it, and those it runs without. */
export function unenforcedFields(server: McpServer, inputs: UnenforcedInputs = {}): Unenforced {
  const { spec } = server;
  const unresolved = new Set(inputs.unresolved ?? []);
  const type = inputs.externalAuthType;
  const refused = GUARDS.filter((g) => spec[g.key] !== undefined && !unresolved.has(g.type))
    .filter((g) => g.key !== "externalAuthConfigRef" || !type || !ENFORCED_EXTERNAL_AUTH_TYPES.has(type))
    .map((g) =>
      g.key === "externalAuthConfigRef" && type
        ? refusal({ ...g, what: `${EXTERNAL_AUTH_ASKS[type] ?? "external authentication"} (type ${type})` })
        : refusal(g)
    );
  const profile = profileRefusal(server, inputs);
  if (profile) refused.push(profile);

  const notApplied: UnenforcedField[] = [];
  if (spec.sessionStorage) {
    notApplied.push({
      field: "spec.sessionStorage",
      conditionType: "SessionStorageWarning",
      conditionStatus: "True",
      reason: "SessionStorageNotApplied",
      message: `spec.sessionStorage (${spec.sessionStorage.provider}) is not applied yet: ` +
        "each proxy replica keeps its own sessions in memory; remove the field to silence this",
    });
  }
  return { refused, notApplied };
}

/** The `status.message` of a refused server: every refused field, and what to do. */
export function refusedMessage(refused: readonly UnenforcedField[]): string {
  if (refused.length === 1) return refused[0]!.message;
  return `${refused.map((r) => r.field).join(", ")} ask for what thv does not enforce yet, so no proxy runs: ` +
    "remove them to run the server without them (the conditions say what each asks for)";
}
