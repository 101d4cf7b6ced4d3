import { strict as assert } from "node:assert";
import * as jose from "jose";
import { startOidcProvider, TOKEN_EXCHANGE_GRANT } from "./oidc_provider.ts";

Deno.test("the test provider issues JWTs for a resource, rotates its key, and exchanges tokens", async () => {
  const op = await startOidcProvider({
    clients: [{ id: "alice", secret: "a-secret", groups: ["eng"] }, { id: "proxy", secret: "p-secret" }],
  });
  try {
    const jwks = jose.createRemoteJWKSet(new URL(op.jwksUri));
    const token = await op.token("alice", { resource: "http://mcp.test/mcp" });
    const { payload, protectedHeader } = await jose.jwtVerify(token, jwks, {
      issuer: op.issuer,
      audience: "http://mcp.test/mcp",
    });
    assert.equal(payload.sub, "alice");
    assert.deepEqual(payload.groups, ["eng"]);
    assert.equal(protectedHeader.kid, op.currentKid());

    const res = await fetch(op.tokenEndpoint, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${btoa("proxy:p-secret")}`,
      },
      body: new URLSearchParams({
        grant_type: TOKEN_EXCHANGE_GRANT,
        subject_token: token,
        subject_token_type: "urn:ietf:params:oauth:token-type:access_token",
        audience: "http://backend.test",
      }),
    });
    const exchanged = await res.json();
    assert.equal(res.status, 200, JSON.stringify(exchanged));
    const second = await jose.jwtVerify(exchanged.access_token, jwks, {
      issuer: op.issuer,
      audience: "http://backend.test",
    });
    assert.equal(second.payload.act_sub, "alice");
    assert.notEqual(exchanged.access_token, token);

    const before = op.currentKid();
    const kid = await op.rotateKeys();
    assert.notEqual(kid, before);
    const fresh = await op.token("alice", { resource: "http://mcp.test/mcp" });
    assert.equal(jose.decodeProtectedHeader(fresh).kid, kid);
    const keys = await (await fetch(op.jwksUri)).json();
    assert.deepEqual(keys.keys.map((k: { kid: string }) => k.kid), [kid]);
  } finally {
    await op.close();
  }
});
