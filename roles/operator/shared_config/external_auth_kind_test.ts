import assert from "node:assert/strict";
import { McpExternalAuthConfigSpec } from "../../../crds/mod.ts";
import { checkExternalAuthConfig, OBO_ENTERPRISE_REQUIRED } from "./external_auth_kind.ts";

const secret = { name: "s", key: "k" };
const oidcUpstream = { name: "corp", type: "oidc", oidcConfig: { issuerUrl: "https://idp.example", clientId: "c" } };
const oauth2 = (o: Record<string, unknown>) => ({
  name: "gh",
  type: "oauth2",
  oauth2Config: { authorizationEndpoint: "https://gh/authorize", tokenEndpoint: "https://gh/token", ...o },
});
const embedded = (upstreamProviders: unknown[]) => ({
  type: "embeddedAuthServer",
  embeddedAuthServer: { issuer: "https://auth.example", upstreamProviders },
});
const sts = (o: Record<string, unknown>) => ({ type: "awsSts", awsSts: { region: "eu-west-1", ...o } });
const ARN = "arn:aws:iam::123456789012:role/mcp";

const CASES: ReadonlyArray<{ what: string; spec: unknown; problem?: string | { reason: string; message: string } }> = [
  { what: "unauthenticated", spec: { type: "unauthenticated" } },
  {
    what: "token exchange",
    spec: { type: "tokenExchange", tokenExchange: { tokenUrl: "https://sts", audience: "a" } },
  },
  {
    what: "type tokenExchange without its object",
    spec: { type: "tokenExchange" },
    problem: "tokenExchange configuration must be set if and only if type is 'tokenExchange'",
  },
  {
    what: "unauthenticated with an object",
    spec: { type: "unauthenticated", bearerToken: { tokenSecretRef: secret } },
    problem: "no configuration must be set when type is 'unauthenticated'",
  },
  { what: "an embedded server with one OIDC upstream", spec: embedded([oidcUpstream]) },
  {
    what: "an embedded server without upstreams",
    spec: embedded([]),
    problem: "at least one upstream provider is required",
  },
  {
    what: "two upstreams of one name",
    spec: embedded([oidcUpstream, oidcUpstream]),
    problem: 'upstreamProviders[1]: duplicate name "corp"',
  },
  {
    what: "an oauth2 upstream with neither clientId nor dcrConfig",
    spec: embedded([oauth2({})]),
    problem: "upstreamProviders[0]: oauth2Config: exactly one of clientId or dcrConfig must be set",
  },
  {
    what: "an oauth2 upstream with dcrConfig and a client secret",
    spec: embedded([oauth2({ dcrConfig: { discoveryUrl: "https://gh/meta" }, clientSecretRef: secret })]),
    problem: "upstreamProviders[0]: oauth2Config: clientSecretRef must not be set when dcrConfig is set; " +
      "the client_secret is obtained at runtime via Dynamic Client Registration",
  },
  { what: "AWS STS with a fallback role", spec: sts({ fallbackRoleArn: ARN }) },
  {
    what: "AWS STS without roles",
    spec: sts({}),
    problem: "awsSts: at least one of fallbackRoleArn or roleMappings must be configured",
  },
  {
    what: "an AWS role mapping with claim and matcher",
    spec: sts({ roleMappings: [{ roleArn: ARN, claim: "a", matcher: "true" }] }),
    problem: "awsSts.roleMappings[0]: claim and matcher are mutually exclusive",
  },
  {
    what: "an AWS role mapping with neither claim nor matcher",
    spec: sts({ roleMappings: [{ roleArn: ARN }] }),
    problem: "awsSts.roleMappings[0]: exactly one of claim or matcher must be set",
  },
  {
    what: "obo",
    spec: { type: "obo", obo: { clientId: "c" } },
    problem: { reason: "EnterpriseRequired", message: OBO_ENTERPRISE_REQUIRED },
  },
];

/** The spec as stored; one the schema refuses (the API server's own check) is passed as written. */
function parsed(spec: unknown) {
  const r = McpExternalAuthConfigSpec.safeParse(spec);
  return r.success ? r.data : spec as never;
}

for (const c of CASES) {
  Deno.test(`checkExternalAuthConfig: ${c.what} ${c.problem ? "is refused with ToolHive's message" : "passes"}`, () => {
    assert.deepEqual(checkExternalAuthConfig(parsed(c.spec)), c.problem);
  });
}
