/**
 * Attaches to a container's stdin, stdout and stderr through a Docker-compatible API, without the bug in
 * dockerode's `container.attach()` that sends its own options as the request body, which Podman then feeds
 * to the container's stdin ahead of the first real byte (dockerode #742, deno-stack.md D1).
 * @module
 */
import { Buffer } from "node:buffer";
import { PassThrough, type Readable, type Writable } from "node:stream";
import type Docker from "dockerode";

/** The three streams of an attached container. */
export interface AttachedStdio {
  /**
   * Bytes written here reach the container's stdin. `end()` closes it, so the process reads EOF, when the
   * container was created with `StdinOnce: true` (Docker keeps stdin open otherwise; Podman closes it).
   */
  readonly stdin: Writable;
  /** The container's stdout, demultiplexed; it ends when the connection closes. */
  readonly stdout: Readable;
  /** The container's stderr, demultiplexed; it ends when the connection closes. */
  readonly stderr: Readable;
  /** Resolves when the connection closes: `null` when it closed cleanly, else the error that closed it. */
  readonly closed: Promise<Error | null>;
  /** Closes the connection; the container keeps running. */
  close(): void;
}

const ATTACH_QUERY = { stream: true, stdin: true, stdout: true, stderr: true, hijack: true } as const;

/** The part of docker-modem that attach needs; `@types/docker-modem` does not type `dial`'s `file` option. */
interface Dialer {
  dial(
    options: Record<string, unknown>,
    callback: (err: Error | null, stream?: NodeJS.ReadWriteStream) => void,
  ): void;
  demuxStream(stream: NodeJS.ReadableStream, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): void;
}

/**
 * Attaches to a container started with `OpenStdin: true` and `Tty: false`; stdout and stderr arrive
 * multiplexed in 8-byte-header frames and are split here. Attach before starting the container so that no
 * early output is lost.
 * @example
 * ```ts
 * const io = await attachStdio(docker, container.id);
 * io.stdin.write('{"jsonrpc":"2.0","id":1,"method":"ping"}\n');
 * ```
 */
export function attachStdio(docker: Docker, containerId: string): Promise<AttachedStdio> {
  const modem = docker.modem as unknown as Dialer;
  return new Promise((resolve, reject) => {
    modem.dial({
      path: `/containers/${encodeURIComponent(containerId)}/attach?`,
      method: "POST",
      isStream: true,
      hijack: true,
      openStdin: true,
      // An empty file body makes docker-modem send Content-Length: 0 instead of JSON.stringify(options).
      file: Buffer.alloc(0),
      statusCodes: { 101: true, 200: true, 404: "no such container", 409: "container is stopped", 500: "server error" },
      options: ATTACH_QUERY,
    }, (err, stream) => {
      if (err || !stream) {
        reject(new Error(`Cannot attach to container ${containerId}: ${err?.message ?? "no stream"}`, { cause: err }));
        return;
      }
      const socket = stream as unknown as Writable & Readable;
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      modem.demuxStream(socket, stdout, stderr);
      // The error is reported once, through `closed`; the output streams just end, so that a reader who
      // does not listen for errors (nobody reads stderr, say) cannot crash the process.
      let failure: Error | null = null;
      const closed = new Promise<Error | null>((done) => {
        socket.on("error", (e: Error) => (failure ??= e));
        socket.on("close", () => {
          stdout.end();
          stderr.end();
          done(failure);
        });
      });
      resolve({ stdin: socket, stdout, stderr, closed, close: () => socket.destroy() });
    });
  });
}
