/**
 * Attach to a running container's stdio through the API server (`pods/attach` over a WebSocket speaking
 * the channel protocol of {@linkcode ./channel.ts}), with the role's one {@linkcode ClusterConfig}: its
 * CA and client certificate through Deno's HTTP client, its token as a header. Output written before the
 * attach is not replayed; attaching again later works when the container has `stdin: true, stdinOnce: false`.
 * @module
 */
import { delay } from "../async/mod.ts";
import type { ClusterConfig } from "./config.ts";
import { ApiError, requestJson } from "./rest.ts";
import { Channel, CHANNEL_PROTOCOLS, closeFrame, decodeFrame, encodeFrame, parseStatus } from "./channel.ts";
import { coalescingWriter } from "./coalesce.ts";

/** Which container to attach to. */
export interface AttachOptions {
  /** Namespace of the pod. */
  readonly namespace: string;
  /** Pod name. */
  readonly pod: string;
  /** Container name. */
  readonly container: string;
  /** Detaches (closes the stream); before it opened, the attach rejects. */
  readonly signal?: AbortSignal;
}

/** One attached stream: a duplex of the container's stdio. */
export interface AttachSession {
  /** The container's stdin; closing it closes stdin (v5) or the whole stream (v4). */
  readonly stdin: WritableStream<Uint8Array>;
  /** The container's stdout; ends when the stream does. */
  readonly stdout: ReadableStream<Uint8Array>;
  /** The container's stderr; read or cancel it, it is not bounded. */
  readonly stderr: ReadableStream<Uint8Array>;
  /** The subprotocol the server chose, e.g. `v5.channel.k8s.io`. */
  readonly protocol: string;
  /** Resolves with why the stream ended: the status channel's reason, or how the socket closed. */
  readonly ended: Promise<string>;
  /** Detaches; resolves once the socket has closed. */
  close(): Promise<void>;
}

/** Bytes sent but not yet on the wire past which a stdin write waits. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
/** How often a waiting stdin write looks whether the socket drained (WebSocket has no drain event). */
const DRAIN_POLL_MS = 5;

/** The `wss://` URL of the attach subresource of `options`. */
export function attachUrl(config: ClusterConfig, options: AttachOptions): string {
  const url = new URL(
    `${config.server}/api/v1/namespaces/${encodeURIComponent(options.namespace)}/pods/${
      encodeURIComponent(options.pod)
    }/attach`,
  );
  url.protocol = url.protocol === "http:" ? "ws:" : "wss:";
  url.searchParams.set("container", options.container);
  url.searchParams.set("stdin", "true");
  url.searchParams.set("stdout", "true");
  url.searchParams.set("stderr", "true");
  url.searchParams.set("tty", "false");
  return url.toString();
}

/** Why `options.pod` cannot be attached to, when reading it tells; undefined when it looks attachable. */
async function podProblem(config: ClusterConfig, options: AttachOptions): Promise<string | undefined> {
  const path = `/api/v1/namespaces/${encodeURIComponent(options.namespace)}/pods/${encodeURIComponent(options.pod)}`;
  try {
    // deno-lint-ignore no-explicit-any
    const pod = await requestJson<any>(config, { path });
    const phase = pod?.status?.phase;
    if (phase !== "Running") return `the pod is ${phase ?? "without a phase"}, not Running: wait for it to run`;
    const names = (pod?.spec?.containers ?? []).map((c: { name: string }) => c.name);
    if (!names.includes(options.container)) return `the pod has no container ${options.container} (it has ${names})`;
    return undefined;
  } catch (e) {
    return e instanceof ApiError ? e.detail : undefined;
  }
}

/**
 * Attaches to the stdin, stdout and stderr of `options.container`; rejects when the server refuses, saying
 * why when reading the pod tells (it does not exist, does not run, lacks the container), else with the
 * WebSocket's own error (check the role may `create pods/attach`).
 */
export async function attach(config: ClusterConfig, options: AttachOptions): Promise<AttachSession> {
  const what = `pod ${options.namespace}/${options.pod} container ${options.container}`;
  options.signal?.throwIfAborted();
  const ws = new WebSocket(attachUrl(config, options), {
    protocols: [...CHANNEL_PROTOCOLS],
    headers: await config.authHeaders(),
    client: config.httpClient,
  });
  ws.binaryType = "arraybuffer";

  let stdoutController!: ReadableStreamDefaultController<Uint8Array>;
  let stderrController!: ReadableStreamDefaultController<Uint8Array>;
  const stdout = new ReadableStream<Uint8Array>({ start: (c) => void (stdoutController = c) });
  const stderr = new ReadableStream<Uint8Array>({ start: (c) => void (stderrController = c) });
  let status: string | undefined;
  let resolveEnded!: (reason: string) => void;
  const ended = new Promise<string>((resolve) => resolveEnded = resolve);
  const closed = ended.then(() => {});

  const finish = (reason: string) => {
    for (const c of [stdoutController, stderrController]) {
      try {
        c.close();
      } catch { /* already closed or cancelled */ }
    }
    resolveEnded(status === undefined ? reason : `attach ended (${status})`);
  };

  ws.addEventListener("message", (event) => {
    if (!(event.data instanceof ArrayBuffer)) return; // the binary protocols send no text
    const frame = decodeFrame(new Uint8Array(event.data));
    if (!frame || frame.payload.length === 0) return; // the empty message that opens each stream
    const enqueue = (c: ReadableStreamDefaultController<Uint8Array>) => {
      try {
        c.enqueue(frame.payload);
      } catch { /* the reader cancelled: drop */ }
    };
    if (frame.channel === Channel.stdout) enqueue(stdoutController);
    else if (frame.channel === Channel.stderr) enqueue(stderrController);
    else if (frame.channel === Channel.status) status = parseStatus(frame.payload).reason;
  });

  await new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      ws.close();
      reject(options.signal!.reason);
    };
    options.signal?.addEventListener("abort", onAbort, { once: true });
    ws.addEventListener("open", () => {
      options.signal?.removeEventListener("abort", onAbort);
      resolve();
    }, { once: true });
    ws.addEventListener("error", (event) => {
      options.signal?.removeEventListener("abort", onAbort);
      const message = (event as ErrorEvent).message || "the server refused the WebSocket";
      // The handshake's failure says little (over HTTP/2 a refusal is a bare stream reset): ask about the pod.
      podProblem(config, options).then((problem) =>
        reject(new Error(`Cannot attach to ${what}: ${problem ?? message}`))
      );
    }, { once: true });
    ws.addEventListener("close", (event) => finish(`attach stream closed (code ${event.code})`), { once: true });
  });
  options.signal?.addEventListener("abort", () => ws.close(1000), { once: true });

  const v5 = ws.protocol === CHANNEL_PROTOCOLS[0];
  const send = (bytes: Uint8Array) => {
    if (ws.readyState !== WebSocket.OPEN) throw new Error(`Cannot write to ${what}: the attach stream has closed`);
    ws.send(bytes);
  };
  // Each frame costs a relay in kube-apiserver, the kubelet and containerd: the writes of one turn share one.
  const frames = coalescingWriter((bytes) => send(encodeFrame(Channel.stdin, bytes)));
  const stdin = new WritableStream<Uint8Array>({
    async write(chunk) {
      frames.write(chunk);
      while (ws.bufferedAmount > MAX_BUFFERED_BYTES && ws.readyState === WebSocket.OPEN) await delay(DRAIN_POLL_MS);
    },
    close() {
      if (ws.readyState !== WebSocket.OPEN) return;
      frames.flush();
      if (v5) ws.send(closeFrame(Channel.stdin));
      else ws.close(1000);
    },
    abort() {
      ws.close(1000);
    },
  });

  return {
    stdin,
    stdout,
    stderr,
    protocol: ws.protocol,
    ended,
    async close() {
      if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) ws.close(1000);
      await closed;
    },
  };
}
