import assert from "node:assert/strict";
import { loadKubeConfig } from "./config.ts";

async function kubeconfig(user: Record<string, unknown>, cluster: Record<string, unknown> = {}): Promise<string> {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/config`;
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "c", cluster: { server: "https://127.0.0.1:6443/", ...cluster } }],
      users: [{ name: "u", user }],
      contexts: [{ name: "x", context: { cluster: "c", user: "u", namespace: "team" } }],
      "current-context": "x",
    }),
  );
  return path;
}

Deno.test("loadKubeConfig reads the current context: server, namespace and a bearer token", async () => {
  const config = loadKubeConfig({ kubeconfigPath: await kubeconfig({ token: "abc" }), inCluster: false });
  assert.equal(config.server, "https://127.0.0.1:6443");
  assert.equal(config.namespace, "team");
  assert.deepEqual(await config.authHeaders(), { authorization: "Bearer abc" });
  config.httpClient.close();
});

Deno.test("loadKubeConfig reads a token file for every request, relative to the kubeconfig", async () => {
  const path = await kubeconfig({ tokenFile: "token" });
  const dir = path.slice(0, path.lastIndexOf("/"));
  await Deno.writeTextFile(`${dir}/token`, "first\n");
  const config = loadKubeConfig({ kubeconfigPath: path, inCluster: false });
  assert.deepEqual(await config.authHeaders(), { authorization: "Bearer first" });
  await Deno.writeTextFile(`${dir}/token`, "rotated\n");
  assert.deepEqual(await config.authHeaders(), { authorization: "Bearer rotated" });
  config.httpClient.close();
});

Deno.test("loadKubeConfig refuses TLS settings it cannot honour instead of dropping them", async () => {
  for (const cluster of [{ "insecure-skip-tls-verify": true }, { "tls-server-name": "api.internal" }]) {
    const path = await kubeconfig({ token: "t" }, cluster);
    assert.throws(() => loadKubeConfig({ kubeconfigPath: path, inCluster: false }), /is not supported/);
  }
});

Deno.test("loadKubeConfig names a missing context and a missing file", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/config`, JSON.stringify({ contexts: [], "current-context": "gone" }));
  assert.throws(
    () => loadKubeConfig({ kubeconfigPath: `${dir}/config`, inCluster: false }),
    /Cannot load Kubernetes credentials from .*config: current-context "gone" is not among the contexts/,
  );
  assert.throws(
    () => loadKubeConfig({ kubeconfigPath: `${dir}/nope`, inCluster: false }),
    /Cannot load Kubernetes credentials from .*nope/,
  );
});
