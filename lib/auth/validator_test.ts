import { strict as assert } from "node:assert";
import * as jose from "jose";
import { startOidcProvider } from "../../tests/harness/oidc_provider.ts";
import type { AuthSettings } from "./settings.ts";
import { idpFetch } from "./idp_fetch.ts";
import { REFETCH_BURST } from "./jwks.ts";
import { InvalidTokenError, tokenValidator } from "./validator.ts";

const AUDIENCE = "http://mcp.test/mcp";

function settings(issuer: string): AuthSettings {
  return { issuer, audience: AUDIENCE, allowPrivateIp: false, scopes: [], trustProxyHeaders: false };
}

Deno.test("tokens with made-up key ids refetch the JWKS only a bounded number of times", async () => {
  const op = await startOidcProvider({ clients: [{ id: "alice", secret: "a" }] });
  const idp = idpFetch({ allowPrivateIp: false });
  try {
    const validator = tokenValidator(settings(op.issuer), idp.fetch);
    const good = await op.token("alice", { resource: AUDIENCE });
    assert.equal((await validator.validate(good)).subject, "alice");
    const before = op.jwksFetches();
    const [, payload, signature] = good.split(".");
    for (let i = 0; i < 3 * REFETCH_BURST; i++) {
      const header = jose.base64url.encode(JSON.stringify({ alg: "RS256", kid: `made-up-${i}` }));
      await assert.rejects(validator.validate(`${header}.${payload}.${signature}`), (e: Error) => {
        assert.ok(e instanceof InvalidTokenError);
        assert.equal(e.message, "the token is signed with an unknown key");
        return true;
      });
    }
    assert.equal(op.jwksFetches() - before, REFETCH_BURST);
  } finally {
    idp.close();
    await op.close();
  }
});

Deno.test("a validated token is served from the cache until it expires, with the clock skew", async () => {
  const op = await startOidcProvider({ clients: [{ id: "alice", secret: "a", groups: ["eng"] }] });
  const idp = idpFetch({ allowPrivateIp: false });
  let now = Date.now();
  try {
    const validator = tokenValidator(settings(op.issuer), idp.fetch, { now: () => now });
    const token = await op.token("alice", { resource: AUDIENCE });
    const identity = await validator.validate(token);
    assert.deepEqual(identity.claims.groups, ["eng"]);
    assert.equal(identity.token, token);
    assert.equal(identity.anonymous, false);
    assert.equal(await validator.validate(token), identity);
    const exp = jose.decodeJwt(token).exp! * 1000;
    now = exp + 29_000;
    assert.equal(await validator.validate(token), identity, "within the skew");
    now = exp + 31_000;
    await assert.rejects(validator.validate(token), /the token has expired/);
  } finally {
    idp.close();
    await op.close();
  }
});
