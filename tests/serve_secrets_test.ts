/**
 * `thv serve`'s secrets routes over real HTTP against real `thv serve` processes: setting up a provider, the
 * keys' create, list, update and delete, shared both ways with `thv secret` (the real CLI); the password only
 * from thv serve's environment (a 503 saying so without it); the read-only environment provider (405); the
 * 400s, 404s and 409s; and no value in a list or in thv serve's log.
 */
import assert from "node:assert/strict";
import { privateHome, runThv, startServe } from "./harness/mod.ts";
import { errorAnswer as error, jsonAnswer as body } from "./harness/mod.ts";
import {
  SecretKeyList,
  SecretsProviderInfo,
  SecretWritten,
  SetupSecretsResponse,
} from "../roles/serve/schemas/secrets.ts";

const PW = { TOOLHIVE_SECRETS_PASSWORD: "correct horse battery" };
const KEYS = "/api/v1beta/secrets/default/keys";
const VALUE = "s3cret-from-the-api";
const CLI_VALUE = "s3cret-from-the-cli";

const send = (method: string, value: unknown): RequestInit => ({ method, body: JSON.stringify(value) });

async function cli(args: string[], env: Record<string, string>, stdin?: string): Promise<string> {
  const res = await runThv(args, env, stdin === undefined ? {} : { stdin });
  assert.equal(res.code, 0, `thv ${args.join(" ")}: ${res.stderr}`);
  return res.stdout;
}

Deno.test("the secrets API sets up the encrypted store and shares its secrets with thv secret both ways", async () => {
  await using home = await privateHome();
  const env = { ...home.env, ...PW };
  const serve = await startServe(env);
  try {
    assert.match(await error(await serve.api("/api/v1beta/secrets/default"), 404), /No secrets provider is set up/);
    assert.match(await error(await serve.api(KEYS), 404), /No secrets provider is set up: POST \/api\/v1beta\/secrets/);
    const setup = SetupSecretsResponse.parse(
      await body(await serve.api("/api/v1beta/secrets", send("POST", { provider_type: "encrypted" })), 201),
    );
    assert.equal(setup.provider_type, "encrypted");
    assert.deepEqual(SecretsProviderInfo.parse(await body(await serve.api("/api/v1beta/secrets/default"), 200)), {
      name: "default",
      provider_type: "encrypted",
      capabilities: { can_read: true, can_write: true, can_delete: true, can_list: true, can_cleanup: false },
    });

    // Set through the API, read by the CLI.
    assert.deepEqual(
      SecretWritten.parse(await body(await serve.api(KEYS, send("POST", { key: "API_TOKEN", value: VALUE })), 201)),
      { key: "API_TOKEN", message: "Secret created" },
    );
    assert.equal(await cli(["secret", "get", "API_TOKEN"], env), `${VALUE}\n`);
    assert.match(
      await error(await serve.api(KEYS, send("POST", { key: "API_TOKEN", value: "other" })), 409),
      /^Secret API_TOKEN exists: change it with PUT/,
    );
    assert.equal(await cli(["secret", "get", "API_TOKEN"], env), `${VALUE}\n`);

    // Set by the CLI, seen, changed and deleted through the API.
    await cli(["secret", "set", "FROM_CLI"], env, `${CLI_VALUE}\n`);
    const listing = await serve.api(KEYS);
    const text = await listing.text();
    assert.equal(listing.status, 200);
    assert.deepEqual(SecretKeyList.parse(JSON.parse(text)), { keys: [{ key: "API_TOKEN" }, { key: "FROM_CLI" }] });
    assert.doesNotMatch(text, /s3cret/);
    assert.deepEqual(await body(await serve.api(`${KEYS}/FROM_CLI`, send("PUT", { value: "changed" })), 200), {
      key: "FROM_CLI",
      message: "Secret updated",
    });
    assert.equal(await cli(["secret", "get", "FROM_CLI"], env), "changed\n");
    assert.equal(await body(await serve.api(`${KEYS}/FROM_CLI`, { method: "DELETE" }), 204), undefined);
    assert.equal(await cli(["secret", "list"], env), "API_TOKEN\n");
    assert.match(
      await error(await serve.api(`${KEYS}/FROM_CLI`, { method: "DELETE" }), 404),
      /^No secret named FROM_CLI/,
    );
    assert.match(
      await error(await serve.api(`${KEYS}/NOPE`, send("PUT", { value: "x" })), 404),
      /^No secret named NOPE: create it with POST/,
    );

    // Bad input: a 400 naming the field.
    assert.match(await error(await serve.api(KEYS, send("POST", { key: "bad key", value: "x" })), 400), /^body\.key: /);
    assert.match(
      await error(await serve.api(KEYS, send("POST", { key: "K", value: "" })), 400),
      /^body\.value: must not be empty/,
    );
    assert.match(await error(await serve.api(KEYS, send("POST", { key: "K" })), 400), /^body\.value: /);
    assert.match(await error(await serve.api(`${KEYS}/bad%20key`, send("PUT", { value: "x" })), 400), /^path\.key: /);
    assert.match(
      await error(await serve.api("/api/v1beta/secrets", send("POST", { provider_type: "1password" })), 400),
      /^body\.provider_type: /,
    );
    assert.match(
      await error(
        await serve.api("/api/v1beta/secrets", send("POST", { provider_type: "encrypted", password: "pw" })),
        400,
      ),
      /^body\.password: not accepted: start thv serve with TOOLHIVE_SECRETS_PASSWORD set/,
    );
  } finally {
    await serve.process.stop();
  }
  const log = await serve.process.stderr;
  assert.doesNotMatch(log, /s3cret|changed|correct horse/);
});

Deno.test("without TOOLHIVE_SECRETS_PASSWORD thv serve answers 503 saying to start it with the variable set", async () => {
  await using home = await privateHome();
  await using serve = await startServe(home.env);
  assert.match(
    await error(await serve.api("/api/v1beta/secrets", send("POST", { provider_type: "encrypted" })), 503),
    /^The encrypted secrets store needs its password: start thv serve with TOOLHIVE_SECRETS_PASSWORD set/,
  );
  await cli(["secret", "setup"], { ...home.env, ...PW });
  await cli(["secret", "set", "A"], { ...home.env, ...PW }, "a-value");
  assert.equal(
    ((await body(await serve.api("/api/v1beta/secrets/default"), 200)) as { provider_type: string }).provider_type,
    "encrypted",
  );
  assert.match(await error(await serve.api(KEYS), 503), /start thv serve with TOOLHIVE_SECRETS_PASSWORD set/);
  assert.match(await error(await serve.api(`${KEYS}/A`, { method: "DELETE" }), 503), /TOOLHIVE_SECRETS_PASSWORD/);
  await using wrong = await startServe({ ...home.env, TOOLHIVE_SECRETS_PASSWORD: "wrong" });
  assert.match(await error(await wrong.api(KEYS), 503), /^Cannot open .*set TOOLHIVE_SECRETS_PASSWORD to the password/);
});

Deno.test("the environment provider lists TOOLHIVE_SECRET_ names and refuses writes with a 405", async () => {
  await using home = await privateHome();
  const env = { ...home.env, TOOLHIVE_SECRETS_PROVIDER: "environment", TOOLHIVE_SECRET_GH: "from-env" };
  await using serve = await startServe(env);
  const info = SecretsProviderInfo.parse(await body(await serve.api("/api/v1beta/secrets/default"), 200));
  assert.equal(info.provider_type, "environment");
  assert.equal(info.capabilities.can_write, false);
  assert.deepEqual(await body(await serve.api(KEYS), 200), { keys: [{ key: "GH" }] });
  const refused = await serve.api(KEYS, send("POST", { key: "NEW", value: "x" }));
  assert.equal(refused.headers.get("allow"), "GET");
  assert.match(await error(refused, 405), /read-only: export TOOLHIVE_SECRET_<NAME> in thv serve's environment/);
  assert.match(await error(await serve.api(`${KEYS}/GH`, { method: "DELETE" }), 405), /read-only/);
  assert.match(
    await error(await serve.api("/api/v1beta/secrets", send("POST", { provider_type: "encrypted" })), 409),
    /^TOOLHIVE_SECRETS_PROVIDER=environment in thv serve's environment overrides the setup/,
  );
  assert.equal(
    ((await body(await serve.api("/api/v1beta/secrets", send("POST", { provider_type: "environment" })), 201)) as {
      provider_type: string;
    }).provider_type,
    "environment",
  );
});
