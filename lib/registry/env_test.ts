import assert from "node:assert/strict";
import { imageServer, registryOf } from "./_test_registry.ts";
import { redactEnv, resolveEnv } from "./env.ts";
import { parseRegistry } from "./parse.ts";

const [entry] = parseRegistry(
  registryOf(imageServer("io.x/github-mcp-server", "i:1", {
    packages: [{
      registryType: "oci",
      identifier: "i:1",
      transport: { type: "stdio" },
      environmentVariables: [
        { name: "GITHUB_TOKEN", isRequired: true, isSecret: true },
        { name: "REGION", isRequired: true, default: "eu" },
        { name: "LOG_LEVEL", default: "info" },
        { name: "HOST" },
      ],
    }],
  })),
  "test",
).entries;

Deno.test("resolveEnv applies defaults under the user's values and passes unknown variables through", () => {
  const resolved = resolveEnv(entry!, { GITHUB_TOKEN: "t0ken", LOG_LEVEL: "debug", EXTRA: "1" });
  assert.deepEqual(resolved.env, { GITHUB_TOKEN: "t0ken", REGION: "eu", LOG_LEVEL: "debug", EXTRA: "1" });
  assert.deepEqual([...resolved.secrets], ["GITHUB_TOKEN"]);
});

Deno.test("resolveEnv names the first missing required variable and how to pass it", () => {
  assert.throws(() => resolveEnv(entry!, {}), {
    name: "RangeError",
    message: "Server github needs the secret environment variable GITHUB_TOKEN: pass it with -e GITHUB_TOKEN=<value>",
  });
  assert.throws(() => resolveEnv(entry!, { GITHUB_TOKEN: "" }), { message: /needs the secret environment variable/ });
  assert.throws(() => resolveEnv(entry!, { GITHUB_TOKEN: "t", REGION: "" }), {
    message: "Server github needs the environment variable REGION: pass it with -e REGION=<value>",
  });
});

Deno.test("redactEnv hides secret values and keeps the others", () => {
  const resolved = resolveEnv(entry!, { GITHUB_TOKEN: "t0ken" });
  const shown = redactEnv(resolved);
  assert.deepEqual(shown, { GITHUB_TOKEN: "<redacted>", REGION: "eu", LOG_LEVEL: "info" });
  assert.ok(!JSON.stringify(shown).includes("t0ken"));
});
