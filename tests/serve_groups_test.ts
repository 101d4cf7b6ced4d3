/**
 * `thv serve`'s groups routes over real HTTP against a real `thv serve` in a private home: list, create (409
 * when it exists), get, remove, the 400s naming the field and the 404s, and the same store as `thv group`.
 */
import assert from "node:assert/strict";
import { privateHome, runThv, startServe } from "./harness/mod.ts";
import { errorAnswer as error, jsonAnswer as body, jsonPost as post } from "./harness/mod.ts";
import { CreateGroupResponse, Group, GroupList } from "../roles/serve/schemas/groups.ts";

/** The JSON body of `res`, after checking its status. */

Deno.test("the groups API lists, creates, gets and removes groups, in the store thv group uses", async () => {
  await using home = await privateHome();
  await using serve = await startServe(home.env);
  assert.deepEqual(GroupList.parse(await body(await serve.api("/api/v1beta/groups"), 200)), {
    groups: [{ name: "default", registered_clients: [] }],
  });
  assert.deepEqual(
    CreateGroupResponse.parse(await body(await serve.api("/api/v1beta/groups", post({ name: "team a" })), 201)),
    { name: "team a" },
  );
  assert.match(
    await error(await serve.api("/api/v1beta/groups", post({ name: "team a" })), 409),
    /Group team a exists/,
  );
  assert.deepEqual(Group.parse(await body(await serve.api("/api/v1beta/groups/team%20a"), 200)), {
    name: "team a",
    registered_clients: [],
  });

  // The CLI and the API share the store, both ways.
  assert.equal((await runThv(["group", "create", "from-cli"], home.env)).code, 0);
  const listed = GroupList.parse(await body(await serve.api("/api/v1beta/groups"), 200));
  assert.deepEqual(listed.groups.map((g) => g.name), ["default", "from-cli", "team a"]);
  assert.equal((await runThv(["group", "list"], home.env)).stdout, "NAME\ndefault\nfrom-cli\nteam a\n");

  assert.equal(await body(await serve.api("/api/v1beta/groups/team%20a", { method: "DELETE" }), 204), undefined);
  assert.match(
    await error(await serve.api("/api/v1beta/groups/team%20a", { method: "DELETE" }), 404),
    /No group named team a/,
  );
  assert.equal(
    await body(await serve.api("/api/v1beta/groups/from-cli?with-workloads=true", { method: "DELETE" }), 204),
    undefined,
  );
  assert.equal((await runThv(["group", "list"], home.env)).stdout, "NAME\ndefault\n");
});

Deno.test("the groups API answers bad input with a 400 naming the field and unknown groups with a 404", async () => {
  await using home = await privateHome();
  await using serve = await startServe(home.env);
  const groups = "/api/v1beta/groups";
  assert.match(await error(await serve.api(groups, post({ name: "Team" })), 400), /^body\.name: must be lowercase/);
  assert.match(await error(await serve.api(groups, post({})), 400), /^body\.name: /);
  assert.match(await error(await serve.api(groups, post({ name: "a", extra: 1 })), 400), /^body: .*extra/);
  assert.match(await error(await serve.api(groups, { method: "POST", body: "{" }), 400), /^body: not JSON/);
  assert.match(await error(await serve.api(`${groups}/nope`), 404), /^No group named nope: create it/);
  assert.match(await error(await serve.api(`${groups}/NOPE`), 400), /^path\.name: must be lowercase/);
  assert.match(
    await error(await serve.api(`${groups}/default`, { method: "DELETE" }), 400),
    /default group cannot be removed/,
  );
  assert.match(
    await error(await serve.api(`${groups}/default?with-workloads=maybe`, { method: "DELETE" }), 400),
    /^query\.with-workloads: /,
  );
  assert.match(await error(await serve.api(`${groups}/default?force=1`, { method: "DELETE" }), 400), /^query: .*force/);
});
