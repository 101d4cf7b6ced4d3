import { strict as assert } from "node:assert";
import { createLogger } from "../log.ts";
import { parseRunConfig, type RunConfig } from "../run_config.ts";
import { outgoingStage } from "./stage.ts";

const log = createLogger({ format: "text", level: "error" });

function config(extra: Record<string, unknown>): RunConfig {
  return parseRunConfig(
    JSON.stringify({ schema_version: "v0.1.0", name: "s", image: "s", transport: "sse", port: 8080, ...extra }),
    "test",
  );
}
const exchange = {
  token_url: "https://sts.example/token",
  audience: "b",
  header_strategy: "replace",
  client_secret: "",
};

Deno.test("outgoingStage builds nothing for a RunConfig that asks for no outgoing credentials", async () => {
  assert.equal(await outgoingStage(config({}), { log, env: {} }), undefined);
  assert.equal(
    await outgoingStage(config({ remote_auth_config: {}, header_forward: {} }), { log, env: {} }),
    undefined,
  );
});

Deno.test("outgoingStage refuses a token exchange and a bearer token that both set Authorization", async () => {
  await assert.rejects(
    outgoingStage(
      config({ token_exchange_config: exchange, remote_auth_config: { bearer_token: "T,target=bearer_token" } }),
      { log, env: { TOOLHIVE_SECRET_T: "t" } },
    ),
    /token_exchange_config puts the exchanged token in authorization, which remote_auth_config or header_forward sets too/,
  );
  const custom = await outgoingStage(
    config({
      token_exchange_config: { ...exchange, header_strategy: "custom", external_token_header_name: "X-T" },
      remote_auth_config: { bearer_token: "T,target=bearer_token" },
    }),
    { log, env: { TOOLHIVE_SECRET_T: "t" } },
  );
  assert.ok(custom, "a custom header beside a bearer token is fine");
});
