/**
 * Shapes shared by several custom resources: status conditions, references by name, the workloads that
 * reference a shared config, and the status every shared-config kind (MCPToolConfig, MCPOIDCConfig, …)
 * publishes.
 * @module
 */
import { z } from "zod";
import { listMap } from "./k8s_schema.ts";

/** A status condition, as `metav1.Condition`. */
export const Condition = z.object({
  type: z.string().min(1).max(316).describe("Condition type, e.g. Ready."),
  status: z.enum(["True", "False", "Unknown"]).describe("Whether the condition holds."),
  observedGeneration: z.int().min(0).optional().meta({ format: "int64" })
    .describe("Generation of the spec the condition was computed from."),
  lastTransitionTime: z.string().meta({ format: "date-time" }).describe("When status last changed."),
  reason: z.string().min(1).max(1024).describe("CamelCase reason for the status."),
  message: z.string().max(32768).describe("What a person should know."),
});

/** `{ name }`: an object of kind `kind` in the referrer's namespace. */
export function nameRef(kind: string) {
  return z.object({ name: z.string().min(1).describe(`Name of the ${kind} in the same namespace.`) });
}

/** The kinds that reference shared configs and groups. */
export const WORKLOAD_KINDS = ["MCPServer", "VirtualMCPServer", "MCPRemoteProxy", "MCPServerEntry"] as const;

/** A workload that references a shared config. */
export const WorkloadReference = z.object({
  kind: z.enum(WORKLOAD_KINDS).describe("Kind of the workload."),
  name: z.string().min(1).describe("Name of the workload, in the same namespace."),
});

/** A workload that references a shared config. */
export type WorkloadReference = z.output<typeof WorkloadReference>;

/** The status of a shared-config kind: its hash, who uses it, and its `Valid`/`DeletionBlocked` conditions. */
export function sharedConfigStatus() {
  return z.object({
    observedGeneration: z.int().min(0).optional().meta({ format: "int64" })
      .describe("Generation of the spec this status describes."),
    conditions: listMap(Condition, ["type"]).optional().describe("Valid and DeletionBlocked."),
    configHash: z.string().optional().describe(
      "Hash of the spec; referrers copy it and roll their pods when it changes.",
    ),
    referencingWorkloads: listMap(WorkloadReference, ["kind", "name"]).optional()
      .describe("Workloads that reference this config, sorted by kind and name."),
  });
}

/** The status of a shared-config kind. */
export type SharedConfigStatus = z.output<ReturnType<typeof sharedConfigStatus>>;

/** ToolHive's Secret selector: a key of a Secret in the same namespace (both required). */
export const SecretKeyRef = z.object({
  name: z.string().describe("Name of the Secret, in the same namespace."),
  key: z.string().describe("Key in the Secret."),
});

/** A key of a ConfigMap, as Kubernetes' `ConfigMapKeySelector`. */
export const ConfigMapKeySelector = z.object({
  name: z.string().default("").describe("Name of the ConfigMap, in the same namespace."),
  key: z.string().describe("Key in the ConfigMap."),
  optional: z.boolean().optional().describe("Kubernetes' optional flag; not consulted."),
}).meta({ "x-kubernetes-map-type": "atomic" });

/** Where a PEM CA bundle comes from. */
export const CaBundleSource = z.object({
  configMapRef: ConfigMapKeySelector.optional().describe("ConfigMap key holding the bundle (key defaults to ca.crt)."),
});
