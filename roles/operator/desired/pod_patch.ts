/**
 * The pod patch the proxy runner applies to the MCP server's pod (`--k8s-pod-patch`): the user's
 * podTemplateSpec, merged with what thv adds to the container named `mcp`: Secrets as `secretKeyRef` env,
 * `spec.volumes` as hostPath volumes and mounts, and the pod's ServiceAccount.
 * @module
 */
import type { V1Container, V1PodTemplateSpec, V1Volume } from "@kubernetes/client-node";
import { z } from "zod";
import type { McpServer } from "../../../crds/mod.ts";
import { childNames } from "./names.ts";

/** Name of the MCP server's container. */
export const MCP_CONTAINER = "mcp";

const named = z.looseObject({ name: z.string().min(1) });
const PodTemplate = z.looseObject({
  metadata: z.looseObject({
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  }).optional(),
  spec: z.looseObject({
    containers: z.array(named).optional(),
    initContainers: z.array(named).optional(),
    volumes: z.array(named).optional(),
  }).optional(),
});

/** The result of checking a podTemplateSpec: the template, or a message naming the bad field. */
export type PodTemplateCheck = { ok: true; template: V1PodTemplateSpec } | { ok: false; message: string };

/** Checks the shape of `spec.podTemplateSpec` (an absent one is valid). */
export function checkPodTemplate(server: McpServer): PodTemplateCheck {
  const raw = server.spec.podTemplateSpec;
  if (raw === undefined) return { ok: true, template: {} };
  const parsed = PodTemplate.safeParse(raw);
  if (parsed.success) return { ok: true, template: parsed.data as V1PodTemplateSpec };
  const issue = parsed.error.issues[0]!;
  return { ok: false, message: `spec.podTemplateSpec.${issue.path.join(".")}: ${issue.message}` };
}

/** The pod patch for a valid template (see {@linkcode checkPodTemplate}). */
export function desiredPodPatch(server: McpServer, template: V1PodTemplateSpec): V1PodTemplateSpec {
  const { spec, metadata } = server;
  const secretEnv = (spec.secrets ?? []).map((s) => ({
    name: s.targetEnvName ?? s.key,
    valueFrom: { secretKeyRef: { name: s.name, key: s.key } },
  }));
  const hostVolumes: V1Volume[] = (spec.volumes ?? []).map((v) => ({ name: v.name, hostPath: { path: v.hostPath } }));
  const mounts = (spec.volumes ?? []).map((v) => ({ name: v.name, mountPath: v.mountPath, readOnly: v.readOnly }));

  const containers = [...(template.spec?.containers ?? [])];
  const index = containers.findIndex((c) => c.name === MCP_CONTAINER);
  const user: V1Container = index >= 0 ? containers[index]! : { name: MCP_CONTAINER };
  const mcp: V1Container = {
    ...user,
    ...(user.env || secretEnv.length ? { env: [...(user.env ?? []), ...secretEnv] } : {}),
    ...(user.volumeMounts || mounts.length ? { volumeMounts: [...(user.volumeMounts ?? []), ...mounts] } : {}),
  };
  if (index >= 0) containers[index] = mcp;
  else if (secretEnv.length || mounts.length) containers.push(mcp);

  const volumes = [...(template.spec?.volumes ?? []), ...hostVolumes];
  return {
    ...(template.metadata ? { metadata: template.metadata } : {}),
    spec: {
      ...template.spec,
      serviceAccountName: spec.serviceAccount ?? childNames(metadata.name).mcpServiceAccount,
      ...(volumes.length ? { volumes } : {}),
      containers,
    },
  };
}
