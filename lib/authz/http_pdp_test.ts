import { strict as assert } from "node:assert";
import { createLogger } from "../log.ts";
import type { Identity } from "../mcp_call/mod.ts";
import { createHttpAuthorizer, pdpPrincipal } from "./http_pdp.ts";

const log = createLogger({ format: "text", level: "error" });
const carol: Identity = {
  subject: "carol",
  claims: { sub: "carol", roles: ["dev"], groups: "eng", scope: "mcp:read mcp:call", clearance: "secret" },
  anonymous: false,
};

Deno.test("the decision point's principal in the standard and mpe claim mappings", () => {
  assert.deepEqual(pdpPrincipal(carol, "standard"), {
    sub: "carol",
    roles: ["dev"],
    groups: ["eng"],
    scopes: ["mcp:read", "mcp:call"],
  });
  assert.deepEqual(pdpPrincipal(carol, "mpe"), {
    sub: "carol",
    mroles: ["dev"],
    mgroups: ["eng"],
    scopes: ["mcp:read", "mcp:call"],
    mclearance: "secret",
    mannotations: {},
  });
});

Deno.test("a decision point that does not answer in time, or answers no JSON, denies", async () => {
  let hang = true;
  const pdp = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    await req.body?.cancel();
    if (hang) await new Promise((r) => setTimeout(r, 2000));
    return new Response("<html>", { status: 200 });
  });
  try {
    const authz = createHttpAuthorizer(
      { http: { url: `http://127.0.0.1:${pdp.addr.port}/`, timeout: 0.2 }, claim_mapping: "standard" },
      { serverName: "fx", log },
    );
    const started = performance.now();
    assert.equal(await authz.authorize({ identity: carol, feature: "tool", target: "echo" }), false);
    assert.ok(performance.now() - started < 1500, "the timeout ended the wait");
    hang = false;
    assert.equal(await authz.authorize({ identity: carol, feature: "tool", target: "echo" }), false);
  } finally {
    await pdp.shutdown();
  }
});
