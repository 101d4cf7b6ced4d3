import assert from "node:assert/strict";
import { statePaths } from "../state/paths.ts";
import { resolveSecretRefs } from "./resolve.ts";

const paths = statePaths({ HOME: "/nonexistent-thv-home" });

Deno.test("references resolve from the workload's own values, then the environment provider", async () => {
  const env = { TOOLHIVE_SECRETS_PROVIDER: "environment", TOOLHIVE_SECRET_GH: "from-env" };
  const resolved = await resolveSecretRefs("w", ["GH,target=GITHUB_TOKEN", "OWN,target=OWN"], { OWN: "mine" }, {
    paths,
    env,
  });
  assert.deepEqual(resolved, { GITHUB_TOKEN: "from-env", OWN: "mine" });
});

Deno.test("no provider is opened when the workload's own values suffice, and a missing one is named", async () => {
  assert.deepEqual(await resolveSecretRefs("w", ["A,target=A"], { A: "1" }, { paths, env: {} }), { A: "1" });
  await assert.rejects(
    resolveSecretRefs("w", ["B,target=B"], {}, { paths, env: {} }),
    /^Error: Secret B of workload w: No secrets provider is set up: run thv secret setup$/,
  );
  await assert.rejects(
    resolveSecretRefs("w", ["B,target=B"], {}, { paths, env: { TOOLHIVE_SECRETS_PROVIDER: "environment" } }),
    /Secret B of workload w is not in the environment secrets provider: export TOOLHIVE_SECRET_B$/,
  );
  await assert.rejects(
    resolveSecretRefs("w", ["B,target=B"], {}, { paths, env: { TOOLHIVE_SECRETS_PROVIDER: "vault" } }),
    /Secrets provider "vault" is not one thv has: use encrypted or environment/,
  );
});
