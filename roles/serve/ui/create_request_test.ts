import assert from "node:assert/strict";
import { createRequest } from "./create_request.ts";
import { searchServers } from "./search.ts";
import type { RegistryServer } from "./types.ts";

const github: RegistryServer = {
  name: "io.github.github/github-mcp-server",
  short_name: "github",
  description: "GitHub's API",
  transport: "stdio",
  package: "ghcr.io/github/github-mcp-server",
  tags: ["git"],
  tools: ["create_issue"],
  env_vars: [
    { name: "GITHUB_PERSONAL_ACCESS_TOKEN", description: "token", required: true, secret: true },
    { name: "GITHUB_HOST", description: "host", required: false, secret: false },
    { name: "GITHUB_TOOLSETS", description: "toolsets", required: false, secret: false },
  ],
};
const everything: RegistryServer = {
  ...github,
  name: "io.github.modelcontextprotocol/server-everything",
  short_name: "everything",
  tags: [],
  tools: ["echo"],
  description: "Test server",
  env_vars: [],
};

Deno.test("createRequest: secret variables become secret references, plain ones env_vars, empty ones are left out", () => {
  assert.deepEqual(
    createRequest(github, {
      name: " ",
      env: { GITHUB_PERSONAL_ACCESS_TOKEN: " gh-token ", GITHUB_HOST: "ghe.example.com", GITHUB_TOOLSETS: "" },
      profile: "network",
      group: "work",
    }),
    {
      name: "github",
      image: "io.github.github/github-mcp-server",
      env_vars: { GITHUB_HOST: "ghe.example.com" },
      secrets: [{ name: "gh-token", target: "GITHUB_PERSONAL_ACCESS_TOKEN" }],
      permission_profile: { name: "network" },
      group: "work",
    },
  );
});

Deno.test("createRequest: the registry's profile is the API's default, so none is sent", () => {
  const body = createRequest(everything, { name: "e2", env: {}, profile: "registry", group: "" });
  assert.equal("permission_profile" in body, false);
  assert.equal(body.group, "default");
  assert.equal(body.name, "e2");
});

Deno.test("searchServers needs every word somewhere in the entry; empty finds all", () => {
  assert.deepEqual(searchServers([github, everything], "").length, 2);
  assert.deepEqual(searchServers([github, everything], "EVERY echo").map((s) => s.short_name), ["everything"]);
  assert.deepEqual(searchServers([github, everything], "issue git").map((s) => s.short_name), ["github"]);
  assert.deepEqual(searchServers([github, everything], "nothing"), []);
  assert.deepEqual(
    searchServers([github, everything], "github").map((s) => s.short_name),
    ["github"],
    "not the namespace",
  );
});
