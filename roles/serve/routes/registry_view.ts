/**
 * A registry entry as the API shows it: ToolHive's `ImageMetadata` field names (snake_case) over thv's
 * normalized entry. Pure.
 * @module
 */
import type { z } from "zod";
import type { RegistryEntry } from "../../../lib/registry/mod.ts";
import type { RegistryServer } from "../schemas/registry.ts";

/** The API's view of `entry`. */
export function serverView(entry: RegistryEntry): z.output<typeof RegistryServer> {
  return {
    name: entry.name,
    short_name: entry.shortName,
    ...(entry.title ? { title: entry.title } : {}),
    description: entry.description,
    version: entry.version,
    ...(entry.tier ? { tier: entry.tier } : {}),
    status: entry.status,
    transport: entry.transport,
    kind: entry.kind,
    package: entry.package,
    image: entry.reference,
    ...(entry.targetPort !== undefined ? { target_port: entry.targetPort } : {}),
    ...(entry.proxyPort !== undefined ? { proxy_port: entry.proxyPort } : {}),
    args: [...entry.args],
    env_vars: entry.env.map((v) => ({
      name: v.name,
      description: v.description,
      required: v.required,
      secret: v.secret,
      ...(v.default !== undefined ? { default: v.default } : {}),
    })),
    permissions: entry.permissions,
    tools: [...entry.tools],
    tags: [...entry.tags],
    ...(entry.repositoryUrl ? { repository_url: entry.repositoryUrl } : {}),
  };
}
