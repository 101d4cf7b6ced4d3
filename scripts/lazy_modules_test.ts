import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { lazyModules, thvSources } from "./lazy_modules.ts";

Deno.test("lazyModules names the lazily imported modules of files that call lazyImport, resolved and existing", () => {
  const files = new Map([
    [
      "roles/cli/mod.ts",
      'import { lazyImport } from "../../lib/lazy_import.ts";\nload<typeof import("./run.ts")>("./run.ts");',
    ],
    [
      "lib/transport/x.ts",
      'await lazyImport<\n  typeof import("../mcp/mod.ts")\n>(url);\nlazyImport<typeof import("./gone.ts")>(u);',
    ],
    ["lib/other.ts", 'type T = typeof import("./not_lazy.ts");'],
  ]);
  const existing = new Set(["roles/cli/run.ts", "lib/mcp/mod.ts", "lib/not_lazy.ts"]);
  assert.deepEqual(lazyModules(files, (p) => existing.has(p)), ["lib/mcp/mod.ts", "roles/cli/run.ts"]);
});

Deno.test("every command module and the operator are among thv's lazily imported modules (deno compile includes them)", async () => {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const found = lazyModules(await thvSources(root), (path) => {
    try {
      return Deno.statSync(`${root}/${path}`).isFile;
    } catch {
      return false;
    }
  });
  for (const module of ["roles/cli/run.ts", "roles/cli/lifecycle.ts", "roles/cli/proxy.ts", "roles/operator/mod.ts"]) {
    assert.ok(found.includes(module), `${module} in ${found.join(", ")}`);
  }
});
