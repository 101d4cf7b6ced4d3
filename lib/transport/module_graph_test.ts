/**
 * What loading the proxy costs (decision 013): every module a process imports stays in its heap, so the
 * proxy's entry point must not pull in a large package statically (zod takes 3 MiB of live heap; the MCP
 * SDK is loaded only for an SSE server's health check).
 */
import assert from "node:assert/strict";

interface GraphModule {
  readonly specifier: string;
  readonly dependencies?: ReadonlyArray<
    { readonly code?: { readonly specifier: string }; readonly isDynamic?: boolean }
  >;
}

/** The modules `entry` loads before it runs: static code imports, followed transitively (type-only ones and dynamic ones left out). */
async function staticallyLoaded(entry: URL): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry.href],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const graph = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    modules: GraphModule[];
    redirects: Record<string, string>;
  };
  const bySpecifier = new Map(graph.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const visit = (specifier: string) => {
    const resolved = graph.redirects[specifier] ?? specifier;
    if (seen.has(resolved)) return;
    seen.add(resolved);
    for (const dep of bySpecifier.get(resolved)?.dependencies ?? []) {
      if (dep.code && !dep.isDynamic) visit(dep.code.specifier);
    }
  };
  visit(entry.href);
  return [...seen];
}

Deno.test("the proxy's modules load no npm package statically", async () => {
  const loaded = await staticallyLoaded(new URL("./mod.ts", import.meta.url));
  assert.ok(loaded.some((s) => s.endsWith("/lib/transport/http_proxy.ts")), "the walk follows static imports");
  const packages = loaded.filter((s) => !s.startsWith("file:"));
  assert.deepEqual(
    packages,
    [],
    `lib/transport/mod.ts loads ${packages.join(", ")} at start: import it lazily, or types only`,
  );
});
