import assert from "node:assert/strict";
import { imageConfigJson, writeDockerArchive } from "./docker_archive.ts";

async function tarList(path: string): Promise<string[]> {
  const out = await new Deno.Command("tar", { args: ["-tvf", path], stdout: "piped" }).output();
  return new TextDecoder().decode(out.stdout).trim().split("\n");
}

Deno.test("writeDockerArchive gives the same image ID for the same folder, whatever its owners and times", async () => {
  const dir = await Deno.makeTempDir({ prefix: "thv-archive-test-" });
  try {
    for (const name of ["a", "b"]) {
      await Deno.mkdir(`${dir}/${name}/etc`, { recursive: true });
      await Deno.writeTextFile(`${dir}/${name}/etc/hello`, "hi\n");
      await Deno.writeTextFile(`${dir}/${name}/z`, "last\n");
    }
    await Deno.utime(`${dir}/b/etc/hello`, 12345, 67890);
    await Deno.chown(`${dir}/b/z`, 1000, 1000);
    const config = { ref: "localhost/test:1", cmd: ["sh"] };
    const a = await writeDockerArchive(`${dir}/a`, `${dir}/a.tar`, config);
    const b = await writeDockerArchive(`${dir}/b`, `${dir}/b.tar`, config);
    assert.equal(a.id, b.id);
    assert.match(a.id, /^sha256:[0-9a-f]{64}$/);
    const outer = await tarList(a.path);
    assert.equal(outer.length, 4, outer.join("\n")); // manifest, config, layer folder, layer
    const manifest = await new Deno.Command("tar", { args: ["-xOf", a.path, "manifest.json"], stdout: "piped" })
      .output();
    const [entry] = JSON.parse(new TextDecoder().decode(manifest.stdout));
    assert.deepEqual(entry.RepoTags, ["localhost/test:1"]);
    assert.equal(`sha256:${entry.Config.replace(".json", "")}`, a.id);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("imageConfigJson carries entrypoint, user and environment, and nothing that varies", () => {
  const json = JSON.parse(
    imageConfigJson({ ref: "x/y:1", entrypoint: ["/thv"], user: "65532:65532", env: ["A=1"] }, "ab"),
  );
  assert.deepEqual(json.config, {
    Env: ["A=1"],
    Entrypoint: ["/thv"],
    Cmd: null,
    User: "65532:65532",
    WorkingDir: "/",
  });
  assert.deepEqual(json.rootfs, { type: "layers", diff_ids: ["sha256:ab"] });
  assert.equal(json.created, "1970-01-01T00:00:00Z");
});

Deno.test("writeDockerArchive refuses a reference without a tag", async () => {
  await assert.rejects(
    writeDockerArchive("/nonexistent", "/nonexistent.tar", { ref: "localhost/notag" }),
    /not name:tag/,
  );
});
