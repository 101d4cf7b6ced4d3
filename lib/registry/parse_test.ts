import assert from "node:assert/strict";
import { imageServer, npmServer, registryOf, stacklokMeta } from "./_test_registry.ts";
import { parseRegistry, parseRegistryText } from "./parse.ts";

Deno.test("parseRegistry reads servers, sorts them by short name and keeps meta.last_updated", () => {
  const registry = parseRegistry(
    registryOf(npmServer("io.github.a/server-zeta"), imageServer("io.github.b/alpha-mcp", "ghcr.io/b/alpha:1")),
    "test",
  );
  assert.deepEqual(registry.entries.map((e) => e.shortName), ["alpha", "zeta"]);
  assert.equal(registry.lastUpdated, "2026-11-01T00:00:00Z");
  assert.equal(registry.source, "test");
  assert.deepEqual(registry.skipped, []);
});

Deno.test("parseRegistry gives one line naming the server and field of the first problem", async (t) => {
  const cases: Array<[string, unknown, string]> = [
    [
      "missing envelope field",
      { version: "1.0.0", data: { servers: [] } },
      "Registry test: field meta: Invalid input: expected object, received undefined",
    ],
    [
      "name that is not reverse-DNS",
      registryOf(npmServer("everything")),
      "Registry test: server everything: field name: must be reverse-DNS with one slash, e.g. io.github.owner/server",
    ],
    [
      "package without identifier",
      registryOf(
        npmServer("io.x/s", { packages: [{ registryType: "npm", version: "1", transport: { type: "stdio" } }] }),
      ),
      "Registry test: server io.x/s: field packages[0].identifier: Invalid input: expected string, received undefined",
    ],
    [
      "npm package without version",
      registryOf(
        npmServer("io.x/s", { packages: [{ registryType: "npm", identifier: "p", transport: { type: "stdio" } }] }),
      ),
      "Registry test: server io.x/s: field packages[0].version: npm packages need an exact version, e.g. 1.2.3",
    ],
    [
      "version range",
      registryOf(npmServer("io.x/s", {
        packages: [{ registryType: "npm", identifier: "p", version: "^1.2.0", transport: { type: "stdio" } }],
      })),
      "Registry test: server io.x/s: field packages[0].version: must be an exact version, not latest or a range",
    ],
    [
      "HTTP transport without url",
      registryOf(imageServer("io.x/s", "img:1", {
        packages: [{ registryType: "oci", identifier: "img:1", transport: { type: "sse" } }],
      })),
      "Registry test: server io.x/s: field packages[0].transport.url: streamable-http and sse transports need a url, e.g. http://localhost:8080/mcp",
    ],
    [
      "bad environment variable name",
      registryOf(npmServer("io.x/s", {
        packages: [{
          registryType: "npm",
          identifier: "p",
          version: "1",
          transport: { type: "stdio" },
          environmentVariables: [{ name: "1TOKEN" }],
        }],
      })),
      "Registry test: server io.x/s: field packages[0].environmentVariables[0].name: must be letters, digits and _, not starting with a digit",
    ],
    [
      "unknown tier in ToolHive's extras",
      registryOf(imageServer("io.x/s", "img:1", { _meta: stacklokMeta("img:1", { tier: "Gold" }) })),
      'Registry test: server io.x/s: field _meta["io.modelcontextprotocol.registry/publisher-provided"]["io.github.stacklok"]["img:1"].tier: Invalid option: expected one of "official"|"community"',
    ],
    [
      "port out of range in permissions",
      registryOf(imageServer("io.x/s", "img:1", {
        _meta: stacklokMeta("img:1", { permissions: { network: { outbound: { allow_port: [70000] } } } }),
      })),
      'Registry test: server io.x/s: field _meta["io.modelcontextprotocol.registry/publisher-provided"]["io.github.stacklok"]["img:1"].permissions.network.outbound.allow_port[0]: Too big: expected number to be <=65535',
    ],
    [
      "server without a name",
      registryOf({ description: "x", version: "1" }),
      "Registry test: server data.servers[0]: field name: Invalid input: expected string, received undefined",
    ],
  ];
  for (const [what, data, message] of cases) {
    await t.step(what, () => {
      assert.throws(() => parseRegistry(data, "test"), { name: "TypeError", message });
    });
  }
});

Deno.test("parseRegistry refuses two servers with the same name", () => {
  assert.throws(() => parseRegistry(registryOf(npmServer("io.x/s"), npmServer("io.x/s")), "test"), {
    message: "Registry test: server io.x/s appears twice: each name must be unique",
  });
});

Deno.test("parseRegistry skips servers thv cannot run and says why", () => {
  const registry = parseRegistry(
    registryOf(
      npmServer("io.x/ok"),
      npmServer("io.x/py", {
        packages: [{ registryType: "pypi", identifier: "x", version: "1", transport: { type: "stdio" } }],
      }),
      { name: "io.x/remote", description: "r", version: "1", remotes: [{ type: "sse", url: "https://x/sse" }] },
    ),
    "test",
  );
  assert.deepEqual(registry.entries.map((e) => e.name), ["io.x/ok"]);
  assert.deepEqual(registry.skipped, [
    { name: "io.x/py", reason: "no npm or oci package (has pypi): thv runs npm packages and container images" },
    { name: "io.x/remote", reason: "no packages: remote servers are not supported yet" },
  ]);
});

Deno.test("parseRegistry reads a file written the way ToolHive writes its catalog", () => {
  // The shape of ToolHive's registry-upstream.json: extra keys (icons, overview, tool_definitions, provenance,
  // metadata), capitalised status, runtime arguments in the Docker CLI pattern.
  const image = "ghcr.io/example/weather:2.1.0";
  const registry = parseRegistry({
    $schema:
      "https://raw.githubusercontent.com/stacklok/toolhive-core/main/registry/types/data/upstream-registry.schema.json",
    version: "1.0.0",
    meta: { last_updated: "2026-10-02T21:16:00Z" },
    data: {
      servers: [{
        $schema: "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json",
        name: "io.github.stacklok/weather",
        title: "Weather",
        description: "Forecasts",
        version: "1.0.0",
        icons: [{ src: "https://example.com/icon.svg", mimeType: "image/svg+xml", sizes: ["any"] }],
        repository: { url: "https://github.com/example/weather", source: "github" },
        packages: [{
          registryType: "oci",
          identifier: image,
          transport: { type: "streamable-http", url: "http://localhost:9090" },
          runtimeArguments: [{
            type: "named",
            name: "-e",
            value: "WEATHER_KEY={key}",
            isRequired: true,
            variables: { key: { isSecret: true, isRequired: true } },
          }],
        }],
        _meta: {
          "io.modelcontextprotocol.registry/publisher-provided": {
            "io.github.stacklok": {
              [image]: {
                status: "Active",
                tier: "Official",
                overview: "## Weather",
                metadata: { stars: 3, last_updated: "2026-07-24T02:54:38Z" },
                provenance: { sigstore_url: "tuf-repo-cdn.sigstore.dev" },
                tool_definitions: [{ name: "forecast", inputSchema: { type: "object" } }],
                tools: ["forecast"],
                tags: ["weather"],
                proxy_port: 8080,
                permissions: { network: { outbound: { allow_host: ["api.weather.example"], allow_port: [443] } } },
              },
            },
          },
        },
      }],
    },
  }, "toolhive");
  const [entry] = registry.entries;
  assert.deepEqual(entry, {
    name: "io.github.stacklok/weather",
    shortName: "weather",
    title: "Weather",
    description: "Forecasts",
    version: "1.0.0",
    tier: "Official",
    status: "active",
    transport: "streamable-http",
    kind: "image",
    package: image,
    reference: image,
    targetPort: 9090,
    proxyPort: 8080,
    args: [],
    argumentSpecs: [],
    env: [{ name: "WEATHER_KEY", description: "", required: true, secret: true }],
    permissions: { network: { outbound: { allow_host: ["api.weather.example"], allow_port: [443] } } },
    permissionSource: "registry",
    tools: ["forecast"],
    tags: ["weather"],
    repositoryUrl: "https://github.com/example/weather",
  });
});

Deno.test("parseRegistryText names the source of text that is not JSON", () => {
  assert.throws(() => parseRegistryText("{", "/tmp/r.json"), {
    name: "SyntaxError",
    message: /^Registry \/tmp\/r\.json is not JSON: /,
  });
});
