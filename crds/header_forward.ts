/**
 * Shapes of the remote kinds (MCPRemoteProxy, MCPServerEntry): headers injected toward the remote, and the
 * CA bundle to trust it with (toolhive-crds.md §0.4).
 * @module
 */
import { z } from "zod";
import { listMap, stringMap } from "./k8s_schema.ts";

/** A Secret key: ToolHive's SecretKeyRef. */
export const SecretKeyRef = z.object({
  name: z.string().describe("Name of the Secret, in the same namespace."),
  key: z.string().describe("Key in the Secret."),
});

/** Headers added to every request toward the remote server. */
export const HeaderForward = z.object({
  addPlaintextHeaders: stringMap().optional().describe(
    "Header name to literal value. Visible in the object: not for secrets.",
  ),
  addHeadersFromSecret: listMap(
    z.object({
      headerName: z.string().min(1).max(255).describe("HTTP header name."),
      valueSecretRef: SecretKeyRef.describe("Secret key that holds the header's value."),
    }),
    ["headerName"],
  ).optional().describe("Headers whose values come from Secrets; the values never enter a ConfigMap."),
});

/** Header forwarding after parsing. */
export type HeaderForward = z.output<typeof HeaderForward>;

/** A CA bundle in a ConfigMap key. */
export const CaBundleSource = z.object({
  configMapRef: z.object({
    name: z.string().default("").describe("Name of the ConfigMap."),
    key: z.string().describe("Key that holds the PEM bundle."),
    optional: z.boolean().optional().describe("Standard Kubernetes flag; not consulted."),
  }).meta({ "x-kubernetes-map-type": "atomic" }).optional().describe("ConfigMap key with a PEM CA bundle."),
});
