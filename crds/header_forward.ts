/**
 * Headers a remote proxy injects toward the remote server (MCPRemoteProxy, MCPServerEntry; toolhive-crds.md §0.4).
 * @module
 */
import { z } from "zod";
import { listMap, stringMap } from "./k8s_schema.ts";
import { SecretKeyRef } from "./shared.ts";

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
