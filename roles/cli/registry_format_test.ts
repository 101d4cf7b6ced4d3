import assert from "node:assert/strict";
import type { RegistryEntry } from "../../lib/registry/mod.ts";
import { describePermissions, formatServerInfo, formatServerTable, LINE_WIDTH, truncate } from "./registry_format.ts";

const base: RegistryEntry = {
  name: "io.github.x/server-demo",
  shortName: "demo",
  description: "A demo server",
  version: "1.0.0",
  tier: "Community",
  status: "active",
  transport: "stdio",
  kind: "npm",
  package: "@x/demo",
  reference: "npx://@x/demo@1.0.0",
  args: [],
  argumentSpecs: [],
  env: [],
  permissions: { name: "none", network: { outbound: {} } },
  permissionSource: "registry",
  tools: ["ping"],
  tags: ["demo"],
};

Deno.test("truncate cuts long text to the width, ending in ...", () => {
  assert.equal(truncate("abcdef", 10), "abcdef");
  assert.equal(truncate("abcdefghijkl", 8), "abcde...");
  assert.equal(truncate("abcdef", 2), "ab");
});

Deno.test("formatServerTable aligns the columns and cuts descriptions to the line width", () => {
  const long: RegistryEntry = {
    ...base,
    name: "io.github.x/fetcher",
    shortName: "fetcher",
    kind: "image",
    transport: "streamable-http",
    tier: undefined,
    description: "word ".repeat(40).trim(),
  };
  const lines = formatServerTable([base, long], (e) => e.shortName);
  assert.deepEqual(lines.slice(0, 2), [
    "NAME     TYPE   TRANSPORT        TIER       DESCRIPTION",
    "demo     npm    stdio            Community  A demo server",
  ]);
  assert.ok(lines[2]!.startsWith("fetcher  image  streamable-http  -          word word"), lines[2]);
  assert.equal(lines[2]!.length, LINE_WIDTH);
  assert.ok(lines[2]!.endsWith("..."));
});

Deno.test("describePermissions puts a profile in words", () => {
  const table: Array<[RegistryEntry["permissions"], "registry" | "default", string[]]> = [
    [{ name: "none", network: { outbound: {} } }, "registry", ["network: none (profile none)"]],
    [{ network: { outbound: { insecure_allow_all: true } } }, "default", [
      "network: all outbound",
      "(the entry declares none: this is the default profile)",
    ]],
    [{ network: { outbound: { allow_host: ["a.com", ".b.org"], allow_port: [443] } } }, "registry", [
      "network: outbound to a.com, .b.org on port 443",
    ]],
    [
      { network: { outbound: { allow_port: [80, 443] } }, read: ["/data"], write: ["/out"], privileged: true },
      "registry",
      [
        "network: outbound on ports 80, 443",
        "read: /data",
        "write: /out",
        "privileged: yes",
      ],
    ],
    [{}, "registry", ["network: none"]],
  ];
  for (const [profile, source, lines] of table) assert.deepEqual(describePermissions(profile, source), lines);
});

Deno.test("formatServerInfo shows how the server runs, its inputs and permissions, never a secret default", () => {
  const lines = formatServerInfo({
    ...base,
    title: "Demo",
    targetPort: 8080,
    transport: "streamable-http",
    repositoryUrl: "https://github.com/x/demo",
    args: ["serve"],
    argumentSpecs: [
      { type: "positional", name: "serve", required: false, repeated: false, value: "serve" },
      { type: "positional", name: "dir", required: true, repeated: true, format: "filepath", description: "Where" },
    ],
    env: [
      { name: "TOKEN", description: "API token", required: true, secret: true, default: "s3cret" },
      { name: "LEVEL", description: "", required: false, secret: false, default: "info" },
    ],
  });
  assert.deepEqual(lines, [
    "name:         io.github.x/server-demo",
    "short name:   demo",
    "title:        Demo",
    "description:  A demo server",
    "version:      1.0.0",
    "tier:         Community",
    "status:       active",
    "type:         npm",
    "run:          npx://@x/demo@1.0.0",
    "transport:    streamable-http",
    "target port:  8080",
    "repository:   https://github.com/x/demo",
    "args:         serve",
    "arguments:    <dir> (required, repeatable, path): Where",
    "env:          TOKEN (required, secret, default set): API token",
    '              LEVEL (default "info")',
    "permissions:  network: none (profile none)",
    "tools:        ping",
    "tags:         demo",
  ]);
  assert.ok(!lines.join("\n").includes("s3cret"));
});

Deno.test("formatServerInfo wraps long tool lists within the line width", () => {
  const tools = Array.from({ length: 40 }, (_, i) => `tool_number_${i}`);
  const lines = formatServerInfo({ ...base, tools }).filter((l) => l.includes("tool_number_"));
  assert.ok(lines.length > 1);
  for (const line of lines) assert.ok(line.length <= LINE_WIDTH, line);
  assert.deepEqual(lines.map((l) => l.slice(14)).join(" ").split(/,\s*/), tools);
});
