import assert from "node:assert/strict";
import { EncryptedSecrets } from "./encrypted.ts";

const ITER = 1_000; // the format records its iterations; tests need no slow derivation

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "thv-secrets-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("the encrypted store round-trips, is 0600 and holds no plaintext", () =>
  withDir(async (dir) => {
    const path = `${dir}/secrets_encrypted`;
    const store = new EncryptedSecrets(path, "pw-1", ITER);
    await store.init();
    await store.set("GITHUB_TOKEN", "ghp-plain-value");
    await store.set("OTHER", "x");
    assert.equal(await new EncryptedSecrets(path, "pw-1").get("GITHUB_TOKEN"), "ghp-plain-value");
    assert.deepEqual(await store.list(), ["GITHUB_TOKEN", "OTHER"]);
    assert.equal(await store.delete("OTHER"), true);
    assert.equal(await store.delete("OTHER"), false);
    assert.deepEqual(await store.list(), ["GITHUB_TOKEN"]);
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    const text = await Deno.readTextFile(path);
    assert.doesNotMatch(text, /ghp-plain-value|GITHUB_TOKEN/);
    assert.deepEqual((await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name), ["secrets_encrypted"]);
  }));

Deno.test("a wrong password is refused, naming the variable to set", () =>
  withDir(async (dir) => {
    const path = `${dir}/secrets_encrypted`;
    await new EncryptedSecrets(path, "right", ITER).set("A", "1");
    await assert.rejects(
      new EncryptedSecrets(path, "wrong").get("A"),
      /wrong password, or the file was changed: set TOOLHIVE_SECRETS_PASSWORD/,
    );
    await assert.rejects(new EncryptedSecrets(path, "wrong").init(), /wrong password/);
  }));

Deno.test("a tampered file is refused", () =>
  withDir(async (dir) => {
    const path = `${dir}/secrets_encrypted`;
    await new EncryptedSecrets(path, "pw", ITER).set("A", "value-value");
    const envelope = JSON.parse(await Deno.readTextFile(path));
    const data = Uint8Array.from(atob(envelope.data), (c) => c.charCodeAt(0));
    data[0]! ^= 1;
    await Deno.writeTextFile(path, JSON.stringify({ ...envelope, data: btoa(String.fromCharCode(...data)) }));
    await assert.rejects(new EncryptedSecrets(path, "pw").get("A"), /the file was changed/);
    // A changed parameter derives another key: refused as well.
    await Deno.writeTextFile(path, JSON.stringify({ ...envelope, iterations: ITER + 1 }));
    await assert.rejects(new EncryptedSecrets(path, "pw").get("A"), /the file was changed/);
    await Deno.writeTextFile(path, JSON.stringify(envelope));
    assert.equal(await new EncryptedSecrets(path, "pw").get("A"), "value-value");
    await Deno.writeTextFile(path, "not json");
    await assert.rejects(new EncryptedSecrets(path, "pw").get("A"), /is not a thv secrets file: move it away/);
  }));

Deno.test("each write uses a fresh salt and nonce", () =>
  withDir(async (dir) => {
    const path = `${dir}/secrets_encrypted`;
    const store = new EncryptedSecrets(path, "pw", ITER);
    await store.set("A", "1");
    const first = JSON.parse(await Deno.readTextFile(path));
    await store.set("A", "1");
    const second = JSON.parse(await Deno.readTextFile(path));
    assert.notEqual(first.nonce, second.nonce);
    assert.notEqual(first.salt, second.salt);
  }));

Deno.test("concurrent writes to one store all land (each read-modify-write holds the store's lock)", () =>
  withDir(async (dir) => {
    const path = `${dir}/secrets_encrypted`;
    await new EncryptedSecrets(path, "pw", ITER).init();
    const names = Array.from({ length: 12 }, (_, i) => `K${i}`);
    // Separate instances, as two requests to thv serve (or thv serve and the CLI) have.
    await Promise.all(names.map((n) => new EncryptedSecrets(path, "pw", ITER).set(n, `v-${n}`)));
    assert.deepEqual(await new EncryptedSecrets(path, "pw").list(), [...names].sort());
    await Promise.all(names.slice(0, 6).map((n) => new EncryptedSecrets(path, "pw", ITER).delete(n)));
    assert.deepEqual(await new EncryptedSecrets(path, "pw").list(), [...names.slice(6)].sort());
  }));

Deno.test("create writes only a new name (of racing creates one wins) and replace only an existing one", () =>
  withDir(async (dir) => {
    const path = `${dir}/secrets_encrypted`;
    await new EncryptedSecrets(path, "pw", ITER).init();
    const won = await Promise.all(
      ["a", "b", "c"].map((v) => new EncryptedSecrets(path, "pw", ITER).create("K", v)),
    );
    assert.equal(won.filter(Boolean).length, 1);
    const store = new EncryptedSecrets(path, "pw", ITER);
    assert.equal(await store.get("K"), ["a", "b", "c"][won.indexOf(true)]);
    assert.equal(await store.replace("K", "new"), true);
    assert.equal(await store.get("K"), "new");
    assert.equal(await store.replace("MISSING", "x"), false);
    assert.deepEqual(await store.list(), ["K"]);
  }));
