import assert from "node:assert/strict";
import { buildUi, UI_DIST, UI_FILES } from "./build_ui.ts";

Deno.test("the committed web UI bundle is what deno task ui:build makes from the sources", async () => {
  const out = await Deno.makeTempDir({ prefix: "thv-ui-build-" });
  try {
    await buildUi(out);
    const committed = (await Array.fromAsync(Deno.readDir(UI_DIST))).map((e) => e.name).sort();
    assert.deepEqual(committed, [...UI_FILES], "roles/serve/ui/dist holds exactly the built files");
    for (const name of UI_FILES) {
      const built = await Deno.readTextFile(`${out}/${name}`);
      const kept = await Deno.readTextFile(`${UI_DIST}/${name}`);
      assert.ok(built === kept, `roles/serve/ui/dist/${name} is stale: run deno task ui:build and commit it`);
    }
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
