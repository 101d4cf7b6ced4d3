import assert from "node:assert/strict";
import { nameFromImage, parseEnv, parseEnvFile, planRun } from "./run_request.ts";

Deno.test("nameFromImage takes the last path segment without tag or digest", () => {
  assert.equal(nameFromImage("ghcr.io/stackloklabs/gofetch/server:latest"), "server");
  assert.equal(nameFromImage("localhost/thv-test-everything:2026.8.31"), "thv-test-everything");
  assert.equal(nameFromImage("Registry:5000/Team/My_Server@sha256:abc"), "my_server");
  assert.equal(nameFromImage("---"), "mcp");
});

Deno.test("parseEnv reads KEY=VALUE and names a bad entry", () => {
  assert.deepEqual(parseEnv(["A=1", "B=x=y", "EMPTY="]), { A: "1", B: "x=y", EMPTY: "" });
  assert.throws(() => parseEnv(["=1"]), { name: "RangeError", message: /^-e =1 is not KEY=VALUE/ });
  assert.throws(() => parseEnv(["1A=x"]), /is not KEY=VALUE/);
  assert.throws(() => parseEnv(["NOEQUALS"]), /is not KEY=VALUE/);
});

Deno.test("parseEnvFile reads KEY=VALUE lines, comments, export and quotes, and names a bad line", () => {
  assert.deepEqual(parseEnvFile("# c\nA=1\n\nexport B='two words'\nC=\"x\"\r\n", "f"), {
    A: "1",
    B: "two words",
    C: "x",
  });
  assert.throws(() => parseEnvFile("A=1\nnot a line\n", "f.env"), /--env-file f\.env: line 2 is not KEY=VALUE/);
});

Deno.test("planRun: flags over --from-config over registry over defaults; secrets never in the RunConfig", () => {
  const plain = planRun({ target: "ghcr.io/org/server:1", port: 4000 }).config;
  assert.equal(plain.name, "server");
  assert.equal(plain.transport, "stdio");
  assert.equal(plain.permission_profile_name_or_path, "network");
  assert.equal(plain.target_port, undefined);

  const http = planRun({ target: "img:1", transport: "streamable-http", port: 4000 }).config;
  assert.equal(http.target_port, 8080);

  // A --from-config file with a secret reference: the -e value for its target becomes a secret value.
  const base = {
    ...planRun({ target: "img:1", name: "saved", port: 1, env: { A: "base" } }).config,
    secrets: ["TOKEN,target=API_TOKEN"],
    permission_profile_name_or_path: "none",
  };
  const planned = planRun({ base, port: 4001, env: { API_TOKEN: "s3cr3t", B: "flag" } });
  assert.equal(planned.config.name, "saved");
  assert.deepEqual(planned.config.env_vars, { A: "base", B: "flag" });
  assert.deepEqual(planned.config.secrets, ["TOKEN,target=API_TOKEN"]);
  assert.deepEqual(planned.secrets, { TOKEN: "s3cr3t" });
  assert.equal(planned.config.permission_profile_name_or_path, "none", "the file's profile is kept");
  assert.doesNotMatch(JSON.stringify(planned.config), /s3cr3t/);

  assert.throws(() => planRun({ port: 1 }), /Name a server to run/);
  assert.throws(() => planRun({ target: "img:1", name: "Bad Name", port: 1 }), /is not a workload name/);
});

Deno.test("planRun takes a registry entry's reference, name, args, env defaults and permissions", async () => {
  const { builtinRegistry, findServer } = await import("../registry/mod.ts");
  const github = findServer(builtinRegistry().entries, "github")!;
  assert.throws(() => planRun({ entry: github, port: 1 }), /needs the secret environment variable/);
  const planned = planRun({ entry: github, port: 1, env: { GITHUB_PERSONAL_ACCESS_TOKEN: "ghp_x" } });
  assert.equal(planned.config.image, github.reference);
  assert.equal(planned.config.name, "github");
  assert.deepEqual(planned.config.secrets, ["GITHUB_PERSONAL_ACCESS_TOKEN,target=GITHUB_PERSONAL_ACCESS_TOKEN"]);
  assert.deepEqual(planned.secrets, { GITHUB_PERSONAL_ACCESS_TOKEN: "ghp_x" });
  assert.deepEqual(planned.config.permission_profile, github.permissions);
  const everything = findServer(builtinRegistry().entries, "everything")!;
  assert.equal(planRun({ entry: everything, port: 1 }).config.image, everything.reference);
});
