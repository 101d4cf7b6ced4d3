/**
 * The e2e step of lib/k8s attach: a StatefulSet whose `mcp` container echoes each stdin line to stdout (and
 * a marked copy to stderr) is driven through {@linkcode kubernetesStdioConnector}: bytes exact both ways,
 * then through the stdio backend's reconnect loop across a deleted pod, to its replacement.
 * @module
 */
import assert from "node:assert/strict";
import { kubernetesStdioConnector, loadKubeConfig } from "../../lib/k8s/mod.ts";
import { createLogger } from "../../lib/log.ts";
import { type Message, StdioBackend } from "../../lib/transport/mod.ts";
import { BUSYBOX_IMAGE, type NodeCluster, poll } from "../harness/mod.ts";
import { apply, kwait, namespace } from "./_kube.ts";

const ECHO = `while IFS= read -r l; do printf '%s\\n' "$l"; printf 'err:%s\\n' "$l" >&2; done`;

/** Reads `stream` until `bytes` bytes came (or it ends); what came, joined. */
async function readBytes(reader: ReadableStreamDefaultReader<Uint8Array>, bytes: number, what: string) {
  const chunks: number[] = [];
  const deadline = AbortSignal.timeout(60_000);
  while (chunks.length < bytes) {
    const next = await Promise.race([
      reader.read(),
      new Promise<never>((_, reject) =>
        deadline.addEventListener("abort", () => reject(new Error(`Timed out reading ${what}`)), { once: true })
      ),
    ]);
    if (next.done) break;
    chunks.push(...next.value);
  }
  return Uint8Array.from(chunks);
}

async function podUid(c: NodeCluster, ns: string, pod: string): Promise<string> {
  const r = await c.kubectl(["-n", ns, "get", "pod", pod, "-o", "jsonpath={.metadata.uid}"]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

/** The step: see the module doc. */
export async function attachThroughLibK8s(c: NodeCluster): Promise<void> {
  const ns = await namespace(c, "e2e-k8s-attach");
  const sts = {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "echo" },
    spec: {
      serviceName: "echo",
      replicas: 1,
      selector: { matchLabels: { app: "echo" } },
      template: {
        metadata: { labels: { app: "echo" } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [{
            name: "mcp",
            image: BUSYBOX_IMAGE,
            imagePullPolicy: "Never",
            stdin: true,
            stdinOnce: false,
            tty: false,
            command: ["sh", "-c", ECHO],
          }],
        },
      },
    },
  };
  await apply(c, ns, JSON.stringify(sts));
  await kwait(c, ns, ["--for=condition=Ready", "pod/echo-0"]);
  const config = loadKubeConfig({ kubeconfigPath: c.kubeconfigPath, inCluster: false });
  const stop = new AbortController();
  const connector = kubernetesStdioConnector({
    config,
    namespace: ns,
    statefulSet: "echo",
    noPodTimeoutMs: 180_000,
    signal: stop.signal,
  });

  // 1. Bytes exact both ways, on stdout and stderr.
  const input = new TextEncoder().encode(
    '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18"}}\n' +
      '{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"unicode":"żółw ✓ \\u0000 \\t tab"}}\n' +
      `{"big":"${"x".repeat(100_000)}"}\n`,
  );
  const first = await connector.connect();
  const stdout = first.stdout.getReader();
  const stderr = first.stderr!.getReader();
  const writer = first.stdin.getWriter();
  await writer.write(input);
  assert.deepEqual(await readBytes(stdout, input.length, "stdout"), input);
  const expectedErr = new TextEncoder().encode(
    new TextDecoder().decode(input).split("\n").filter((l) => l).map((l) => `err:${l}\n`).join(""),
  );
  assert.deepEqual(await readBytes(stderr, expectedErr.length, "stderr"), expectedErr);
  writer.releaseLock();
  stdout.releaseLock();
  stderr.releaseLock();
  await first.stop();
  assert.match(await first.ended, /^pod e2e-k8s-attach\/echo-0 container mcp: attach (stream closed|ended)/);

  // 2. Through the stdio backend's reconnect loop: a deleted pod's replacement is attached again.
  const received: Message[] = [];
  let ups = 0;
  const downs: string[] = [];
  const backend = new StdioBackend(connector, {
    onMessage: (m) => received.push(m),
    onUp: () => ups++,
    onDown: (reason) => downs.push(reason),
    log: createLogger({ format: "json", level: "warn", write: () => {} }),
  });
  try {
    backend.start();
    await poll(() => Promise.resolve(ups === 1 || undefined), { what: "the first attach", deadlineMs: 60_000 });
    const ask = (id: number) => ({ jsonrpc: "2.0" as const, id, method: "ping" });
    assert.equal(backend.send(ask(1)), "sent");
    await poll(() => Promise.resolve(received.length === 1 || undefined), { what: "echo 1", deadlineMs: 60_000 });
    const before = await podUid(c, ns, "echo-0");
    const deleted = await c.kubectl(["-n", ns, "delete", "pod", "echo-0", "--wait=false"]);
    assert.equal(deleted.code, 0, deleted.stderr);
    await poll(() => Promise.resolve(downs.length >= 1 || undefined), {
      what: "the stream to end",
      deadlineMs: 120_000,
    });
    await poll(() => Promise.resolve(ups >= 2 || undefined), { what: "a re-attach", deadlineMs: 180_000 });
    assert.match(downs[0]!, /^pod e2e-k8s-attach\/echo-0 container mcp: attach (stream closed|ended)/);
    assert.notEqual(await podUid(c, ns, "echo-0"), before, "attached to the replacement pod");
    assert.equal(backend.send(ask(2)), "sent");
    await poll(() => Promise.resolve(received.length === 2 || undefined), { what: "echo 2", deadlineMs: 60_000 });
    assert.deepEqual(received, [ask(1), ask(2)]);
  } finally {
    await backend.stop();
    stop.abort();
  }
}
