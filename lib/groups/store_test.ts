import assert from "node:assert/strict";
import { ConflictError, NotFoundError } from "../errors.ts";
import { checkGroupName, DEFAULT_GROUP, GroupStore } from "./mod.ts";

async function tempStore(): Promise<{ dir: string; store: GroupStore } & AsyncDisposable> {
  const root = await Deno.makeTempDir({ prefix: "thv-groups-" });
  const dir = `${root}/toolhive/groups`;
  return { dir, store: new GroupStore(dir), [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }) };
}

Deno.test("checkGroupName takes ToolHive's names and refuses the rest naming the rule", () => {
  for (const ok of ["default", "dev", "team-a_1", "my group", "0"]) assert.equal(checkGroupName(ok), ok);
  for (const bad of ["", "Dev", " lead", "trail ", "two  spaces", "a/b", "../x", "a.b", "x\0", "x".repeat(101)]) {
    assert.throws(() => checkGroupName(bad), { name: "RangeError", message: /is not a group name: use 1 to 100/ });
  }
});

Deno.test("a group is a file in ToolHive's format; default always exists, its file written with the first group", async () => {
  await using t = await tempStore();
  assert.deepEqual(await t.store.list(), [{ name: DEFAULT_GROUP, registered_clients: [] }]);
  assert.deepEqual(await t.store.get(DEFAULT_GROUP), { name: DEFAULT_GROUP, registered_clients: [] });
  await assert.rejects(Deno.stat(t.dir), Deno.errors.NotFound, "reading writes nothing");
  await t.store.create("dev");
  assert.equal(
    await Deno.readTextFile(`${t.dir}/default.json`),
    '{\n  "name": "default",\n  "registered_clients": []\n}\n',
  );
  assert.equal(await Deno.readTextFile(`${t.dir}/dev.json`), '{\n  "name": "dev",\n  "registered_clients": []\n}\n');
  assert.equal((await Deno.stat(`${t.dir}/dev.json`)).mode! & 0o777, 0o600);
  await t.store.create("alpha");
  assert.deepEqual((await t.store.list()).map((g) => g.name), ["alpha", DEFAULT_GROUP, "dev"]);
});

Deno.test("a group ToolHive wrote is read with its clients, null ones and its other keys", async () => {
  await using t = await tempStore();
  await Deno.mkdir(t.dir, { recursive: true });
  await Deno.writeTextFile(
    `${t.dir}/th.json`,
    JSON.stringify({ name: "th", registered_clients: ["cursor"], skills: ["s"] }),
  );
  await Deno.writeTextFile(`${t.dir}/nil.json`, JSON.stringify({ name: "nil", registered_clients: null }));
  assert.deepEqual(await t.store.get("th"), { name: "th", registered_clients: ["cursor"], skills: ["s"] });
  assert.deepEqual(await t.store.get("nil"), { name: "nil", registered_clients: [] });
  await Deno.writeTextFile(`${t.dir}/bad.json`, "{");
  await assert.rejects(t.store.get("bad"), { name: "SyntaxError", message: /bad\.json is not JSON: fix or delete it/ });
  await Deno.writeTextFile(`${t.dir}/noname.json`, "{}");
  await assert.rejects(t.store.get("noname"), {
    name: "TypeError",
    message: /noname\.json: name .*: fix or delete it/,
  });
});

Deno.test("creating an existing group, reading a missing one or removing default is one line saying what to do", async () => {
  await using t = await tempStore();
  await t.store.create("dev");
  await assert.rejects(t.store.create("dev"), {
    name: ConflictError.name,
    message: "Group dev exists already: see thv group list, or choose another name",
  });
  await assert.rejects(t.store.create(DEFAULT_GROUP), ConflictError);
  await assert.rejects(t.store.get("nope"), {
    name: NotFoundError.name,
    message: "No group named nope: create it with thv group create nope (see thv group list)",
  });
  assert.equal(await t.store.load("nope"), undefined);
  assert.throws(() => t.store.remove(DEFAULT_GROUP), /The default group cannot be removed/);
  await assert.rejects(t.store.create("Bad"), RangeError);
  assert.equal(await t.store.remove("dev"), true);
  assert.equal(await t.store.remove("dev"), false);
  assert.deepEqual((await t.store.list()).map((g) => g.name), [DEFAULT_GROUP]);
});

Deno.test("of two concurrent creations of one group exactly one wins", async () => {
  await using t = await tempStore();
  const results = await Promise.allSettled([t.store.create("race"), t.store.create("race")]);
  assert.deepEqual(results.map((r) => r.status).sort(), ["fulfilled", "rejected"]);
});
