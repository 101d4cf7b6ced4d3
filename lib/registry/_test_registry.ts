/**
 * Builders of small registry files for the unit tests of this folder.
 * @module
 */

/** A registry file holding `servers`. */
export function registryOf(...servers: unknown[]): Record<string, unknown> {
  return { version: "1.0.0", meta: { last_updated: "2026-11-01T00:00:00Z" }, data: { servers } };
}

/** A valid npm server.json named `name`, with `extra` merged over it. */
export function npmServer(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    description: `The ${name} server`,
    version: "1.0.0",
    packages: [{ registryType: "npm", identifier: "@example/pkg", version: "1.2.3", transport: { type: "stdio" } }],
    ...extra,
  };
}

/** A valid OCI server.json named `name` running `image`, with `extra` merged over it. */
export function imageServer(
  name: string,
  image: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name,
    description: `The ${name} server`,
    version: "1.0.0",
    packages: [{ registryType: "oci", identifier: image, transport: { type: "stdio" } }],
    ...extra,
  };
}

/** `_meta` holding ToolHive's extras for `key`. */
export function stacklokMeta(key: string, extensions: Record<string, unknown>): Record<string, unknown> {
  return { "io.modelcontextprotocol.registry/publisher-provided": { "io.github.stacklok": { [key]: extensions } } };
}
