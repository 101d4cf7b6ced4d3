import assert from "node:assert/strict";
import { NotFoundError } from "../errors.ts";
import { statePaths } from "../state/mod.ts";
import { EncryptedSecrets } from "./encrypted.ts";
import { ReadOnlySecretsError, SecretsUnavailableError } from "./errors.ts";
import { encryptedStorePath, openProvider, providerTypeOf, saveProvider } from "./provider.ts";

async function withHome(fn: (home: string) => Promise<void>) {
  const home = await Deno.makeTempDir({ prefix: "thv-provider-" });
  try {
    await fn(home);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

Deno.test("openProvider says why it cannot open, with an error callers tell apart", () =>
  withHome(async (home) => {
    const paths = statePaths({ HOME: home });
    await assert.rejects(() => openProvider({ paths, env: {} }), NotFoundError);
    assert.equal(await providerTypeOf({ paths, env: {} }), undefined);
    await saveProvider(paths, "encrypted");
    assert.equal(await providerTypeOf({ paths, env: {} }), "encrypted");
    await assert.rejects(
      () => openProvider({ paths, env: {} }),
      (e) => e instanceof SecretsUnavailableError && /set TOOLHIVE_SECRETS_PASSWORD/.test(e.message),
    );
    await new EncryptedSecrets(encryptedStorePath(paths), "right", 1_000).init();
    const wrong = await openProvider({ paths, env: { TOOLHIVE_SECRETS_PASSWORD: "wrong" } });
    await assert.rejects(() => wrong.list(), SecretsUnavailableError);
    await assert.rejects(
      () => openProvider({ paths, env: { TOOLHIVE_SECRETS_PROVIDER: "1password" } }),
      (e) => e instanceof SecretsUnavailableError && /not one thv has: use encrypted or environment/.test(e.message),
    );
    const env = await openProvider({
      paths,
      env: { TOOLHIVE_SECRETS_PROVIDER: "environment", TOOLHIVE_SECRET_A: "1" },
    });
    assert.deepEqual(await env.list(), ["A"]);
    await assert.rejects(() => env.set("B", "2"), ReadOnlySecretsError);
    await assert.rejects(() => env.delete("A"), ReadOnlySecretsError);
  }));
