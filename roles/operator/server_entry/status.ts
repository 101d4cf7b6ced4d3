/**
 * The status of an MCPServerEntry (toolhive-crds.md §8): one condition per check, `Valid`, and phase `Valid`
 * or `Failed`. Pure: the reconciler supplies what it found.
 * @module
 */
import type { McpServerEntrySpec } from "../../../crds/mod.ts";
import { type Condition, setCondition } from "../conditions.ts";
import { remoteUrlProblem } from "../remote_url.ts";

/** What the reconciler found of what an entry references. */
export interface EntryFindings {
  /** The group's phase; undefined: not found. */
  readonly groupPhase?: string;
  /** Whether the named MCPExternalAuthConfig exists (unused when none is named). */
  readonly externalAuthConfigExists: boolean;
  /** Whether the CA bundle ConfigMap exists (unused when none is named). */
  readonly caBundleExists: boolean;
  /** The keys of each header Secret that exists, by Secret name. */
  readonly secretKeys: ReadonlyMap<string, readonly string[]>;
}

type Set = Omit<Condition, "lastTransitionTime" | "observedGeneration">;

/** The checks of `spec`, as conditions (without times). */
export function entryChecks(spec: McpServerEntrySpec, namespace: string, found: EntryFindings): Set[] {
  const checks: Set[] = [];
  const url = remoteUrlProblem(spec.remoteUrl, spec.allowPrivateEndpoint);
  checks.push(
    url
      ? { type: "RemoteURLValidated", status: "False", reason: "RemoteURLInvalid", message: url }
      : { type: "RemoteURLValidated", status: "True", reason: "RemoteURLValid", message: "Remote URL is valid" },
  );
  const group = spec.groupRef.name;
  checks.push(
    found.groupPhase === undefined
      ? {
        type: "GroupRefValidated",
        status: "False",
        reason: "GroupRefNotFound",
        message: `MCPGroup '${group}' not found in namespace '${namespace}'`,
      }
      : found.groupPhase !== "Ready"
      ? {
        type: "GroupRefValidated",
        status: "False",
        reason: "GroupRefNotReady",
        message: `MCPGroup '${group}' is not ready (current phase: ${found.groupPhase})`,
      }
      : {
        type: "GroupRefValidated",
        status: "True",
        reason: "GroupRefIsValid",
        message: "Referenced MCPGroup exists and is ready",
      },
  );
  const auth = (status: "True" | "False", reason: string, message: string): Set => ({
    type: "ExternalAuthConfigValidated",
    status,
    reason,
    message,
  });
  checks.push(
    !spec.externalAuthConfigRef
      ? auth("True", "AuthConfigNotConfigured", "No external auth config reference configured")
      : found.externalAuthConfigExists
      ? auth("True", "AuthConfigValid", "Referenced MCPExternalAuthConfig exists")
      : auth("False", "AuthConfigNotFound", "Referenced MCPExternalAuthConfig not found"),
  );
  const ca = (status: "True" | "False", reason: string, message: string): Set => ({
    type: "CABundleRefValidated",
    status,
    reason,
    message,
  });
  checks.push(
    !spec.caBundleRef?.configMapRef
      ? ca("True", "CABundleRefNotConfigured", "No CA bundle reference configured")
      : found.caBundleExists
      ? ca("True", "CABundleRefValid", "Referenced CA bundle ConfigMap exists")
      : ca("False", "CABundleRefNotFound", "Referenced CA bundle ConfigMap not found"),
  );
  const headers = spec.headerForward?.addHeadersFromSecret ?? [];
  if (headers.length) {
    const missing = headers.flatMap((h) => {
      const keys = found.secretKeys.get(h.valueSecretRef.name);
      if (!keys) return [`Secret "${h.valueSecretRef.name}" referenced for header "${h.headerName}" not found`];
      if (!keys.includes(h.valueSecretRef.key)) {
        return [
          `Secret "${h.valueSecretRef.name}" has no key "${h.valueSecretRef.key}" referenced for header "${h.headerName}"`,
        ];
      }
      return [];
    });
    checks.push(
      missing.length
        ? {
          type: "HeaderSecretRefsValidated",
          status: "False",
          reason: "HeaderSecretNotFound",
          message: missing.join("; "),
        }
        : {
          type: "HeaderSecretRefsValidated",
          status: "True",
          reason: "HeaderSecretsValid",
          message: "All referenced header Secrets exist with required keys",
        },
    );
  }
  return checks;
}

/** The status of an entry from its checks; conditions keep their transition times. */
export function entryStatus(
  previous: readonly Condition[],
  checks: readonly Set[],
  generation: number | undefined,
  now: Date,
): { phase: "Valid" | "Failed"; observedGeneration?: number; conditions: Condition[] } {
  const og = generation === undefined ? {} : { observedGeneration: generation };
  const valid = checks.every((c) => c.status === "True");
  const all: Set[] = [
    ...checks,
    valid ? { type: "Valid", status: "True", reason: "ConfigValid", message: "All referenced resources are valid" } : {
      type: "Valid",
      status: "False",
      reason: "ConfigInvalid",
      message: "One or more referenced resources are missing or invalid",
    },
  ];
  let conditions = previous.filter((c) =>
    c.type !== "HeaderSecretRefsValidated" || checks.some((k) => k.type === c.type)
  );
  for (const c of all) conditions = setCondition(conditions, { ...c, ...og }, now);
  return { phase: valid ? "Valid" : "Failed", ...og, conditions };
}
