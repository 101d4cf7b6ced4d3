import assert from "node:assert/strict";
import { imageServer, npmServer, stacklokMeta } from "./_test_registry.ts";
import { DEFAULT_PERMISSIONS, type RegistryEntry, shortNameOf, toEntry } from "./entry.ts";
import { Server } from "./schema.ts";

function entryOf(raw: unknown): RegistryEntry {
  const result = toEntry(Server.parse(raw));
  if ("reason" in result) throw new Error(`skipped: ${result.reason}`);
  return result;
}

Deno.test("shortNameOf drops the namespace and server/mcp affixes", () => {
  const table: Array<[string, string]> = [
    ["io.github.modelcontextprotocol/server-everything", "everything"],
    ["io.github.modelcontextprotocol/server-sequential-thinking", "sequential-thinking"],
    ["io.github.github/github-mcp-server", "github"],
    ["io.github.x/mcp-server-time", "time"],
    ["io.github.x/weather-mcp", "weather"],
    ["io.github.x/Notes-Server", "notes"],
    ["io.github.stackloklabs/gofetch", "gofetch"],
    ["io.github.x/server-", "server-"],
  ];
  for (const [name, short] of table) assert.equal(shortNameOf(name), short, name);
});

Deno.test("an npm entry runs npx://<package>@<version>", () => {
  const entry = entryOf(npmServer("io.x/server-demo"));
  assert.equal(entry.kind, "npm");
  assert.equal(entry.reference, "npx://@example/pkg@1.2.3");
  assert.equal(entry.transport, "stdio");
  assert.equal(entry.targetPort, undefined);
});

Deno.test("an image entry runs its reference; a bare image gets the package version as its tag", () => {
  assert.equal(entryOf(imageServer("io.x/a", "ghcr.io/x/a:1.0")).reference, "ghcr.io/x/a:1.0");
  assert.equal(entryOf(imageServer("io.x/a", "ghcr.io/x/a@sha256:abc")).reference, "ghcr.io/x/a@sha256:abc");
  assert.equal(entryOf(imageServer("io.x/a", "localhost:5000/x/a")).reference, "localhost:5000/x/a");
  const bare = imageServer("io.x/a", "ghcr.io/x/a", {
    packages: [{ registryType: "oci", identifier: "ghcr.io/x/a", version: "2.0.0", transport: { type: "stdio" } }],
  });
  assert.equal(entryOf(bare).reference, "ghcr.io/x/a:2.0.0");
});

Deno.test("the first npm or oci package is the one thv runs", () => {
  const entry = entryOf(npmServer("io.x/a", {
    packages: [
      { registryType: "pypi", identifier: "a", version: "1", transport: { type: "stdio" } },
      {
        registryType: "oci",
        identifier: "ghcr.io/x/a:3",
        transport: { type: "sse", url: "http://localhost:7000/sse" },
      },
      { registryType: "npm", identifier: "a", version: "1", transport: { type: "stdio" } },
    ],
  }));
  assert.equal(entry.kind, "image");
  assert.equal(entry.transport, "sse");
  assert.equal(entry.targetPort, 7000);
});

Deno.test("the target port comes from the transport URL; a URL template gives none", () => {
  const at = (url: string) =>
    entryOf(imageServer("io.x/a", "i:1", {
      packages: [{ registryType: "oci", identifier: "i:1", transport: { type: "streamable-http", url } }],
    })).targetPort;
  assert.equal(at("http://localhost:8080/mcp"), 8080);
  assert.equal(at("http://localhost/mcp"), undefined);
  assert.equal(at("http://localhost:{port}/mcp"), undefined);
});

Deno.test("entries without declared permissions get the network profile, marked as a default", () => {
  const entry = entryOf(npmServer("io.x/a"));
  assert.deepEqual(entry.permissions, DEFAULT_PERMISSIONS);
  assert.equal(entry.permissionSource, "default");
});

Deno.test("declared permissions keep the RunConfig's shape; {path} mounts become paths", () => {
  const entry = entryOf(imageServer("io.x/a", "i:1", {
    _meta: stacklokMeta("i:1", {
      permissions: { read: [{ path: "/data" }, "/etc/x"], write: ["/out"], network: { outbound: {} } },
    }),
  }));
  assert.deepEqual(entry.permissions, { read: ["/data", "/etc/x"], write: ["/out"], network: { outbound: {} } });
  assert.equal(entry.permissionSource, "registry");
});

Deno.test("extras are found under the run reference, the identifier, or the only key", () => {
  const npm = (key: string) => entryOf(npmServer("io.x/a", { _meta: stacklokMeta(key, { tier: "official" }) })).tier;
  assert.equal(npm("npx://@example/pkg@1.2.3"), "Official");
  assert.equal(npm("@example/pkg"), "Official");
  assert.equal(npm("something-else"), "Official");
  const two = {
    "io.modelcontextprotocol.registry/publisher-provided": {
      "io.github.stacklok": { a: { tier: "Official" }, b: { tier: "Community" } },
    },
  };
  assert.equal(entryOf(npmServer("io.x/a", { _meta: two })).tier, undefined);
});

Deno.test("status and tier are read without regard to case; status defaults to active", () => {
  const entry = entryOf(imageServer("io.x/a", "i:1", { _meta: stacklokMeta("i:1", { status: "Deprecated" }) }));
  assert.equal(entry.status, "deprecated");
  assert.equal(entry.tier, undefined);
  assert.equal(entryOf(imageServer("io.x/a", "i:1")).status, "active");
});

Deno.test("arguments with values become the default args; the extras' args are the fallback", () => {
  const entry = entryOf(npmServer("io.x/a", {
    packages: [{
      registryType: "npm",
      identifier: "a",
      version: "1",
      transport: { type: "stdio" },
      packageArguments: [
        { type: "positional", value: "serve" },
        { type: "named", name: "--port", default: "3000" },
        { type: "named", name: "--token", isRequired: true },
        { type: "positional", valueHint: "dir", isRequired: true, isRepeated: true, format: "filepath" },
      ],
    }],
    _meta: stacklokMeta("npx://a@1", { args: ["ignored"] }),
  }));
  assert.deepEqual(entry.args, ["serve", "--port", "3000"]);
  assert.deepEqual(entry.argumentSpecs, [
    { type: "positional", name: "serve", required: false, repeated: false, value: "serve" },
    { type: "named", name: "--port", required: false, repeated: false, value: "3000" },
    { type: "named", name: "--token", required: true, repeated: false },
    { type: "positional", name: "dir", required: true, repeated: true, format: "filepath" },
  ]);
  const fallback = entryOf(imageServer("io.x/b", "i:1", { _meta: stacklokMeta("i:1", { args: ["stdio"] }) }));
  assert.deepEqual(fallback.args, ["stdio"]);
});

Deno.test("environment variables come from environmentVariables, then from -e runtime arguments", () => {
  const entry = entryOf(imageServer("io.x/a", "i:1", {
    packages: [{
      registryType: "oci",
      identifier: "i:1",
      transport: { type: "stdio" },
      environmentVariables: [
        { name: "TOKEN", description: "API token", isRequired: true, isSecret: true },
        { name: "LEVEL", default: "info" },
      ],
      runtimeArguments: [
        { type: "named", name: "-e", value: "TOKEN={t}", variables: { t: { isSecret: false } } },
        { type: "named", name: "--env", value: "MODE=fast", description: "Speed" },
        { type: "named", name: "-e", value: "KEY={k}", isRequired: true, variables: { k: { isSecret: true } } },
        { type: "named", name: "--rm", value: "true" },
      ],
    }],
  }));
  assert.deepEqual(entry.env, [
    { name: "TOKEN", description: "API token", required: true, secret: true },
    { name: "LEVEL", description: "", required: false, secret: false, default: "info" },
    { name: "MODE", description: "Speed", required: false, secret: false, default: "fast" },
    { name: "KEY", description: "", required: true, secret: true },
  ]);
});
