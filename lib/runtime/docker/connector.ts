/**
 * A stdio MCP server in a container, as a {@linkcode StdioConnector}: each connection deploys the workload's
 * container afresh (removing an old one of the same name), attached before it starts; the connection ends
 * when the container exits; stopping it stops the container and keeps it, so its logs can still be read.
 * @module
 */
import { Readable, Writable } from "node:stream";
import type { StdioConnection, StdioConnector } from "../../transport/mod.ts";
import type { RunConfig } from "../../run_config.ts";
import type { DockerWorkloads } from "./workloads.ts";

/** How long a stopping server gets between SIGTERM and SIGKILL. */
const STOP_TIMEOUT_SECONDS = 5;

/** Connects to the container of `config`, a stdio workload, through `workloads`. */
export function containerConnector(workloads: DockerWorkloads, config: RunConfig): StdioConnector {
  return {
    describe: `container ${config.name} (${config.image})`,
    async connect(): Promise<StdioConnection> {
      await workloads.remove(config.name); // a container left from an earlier start or crash
      const deployed = await workloads.deploy(config);
      const stdio = deployed.stdio!;
      const ended = workloads.waitForExit(deployed.id).then(
        (code) => `container exited with code ${code}`,
        (e: Error) => `container gone: ${e.message}`,
      );
      return {
        stdout: Readable.toWeb(stdio.stdout) as ReadableStream<Uint8Array>,
        stderr: Readable.toWeb(stdio.stderr) as ReadableStream<Uint8Array>,
        stdin: Writable.toWeb(stdio.stdin) as WritableStream<Uint8Array>,
        ended,
        async stop() {
          stdio.close();
          await workloads.stop(config.name, STOP_TIMEOUT_SECONDS).catch(() => {});
          await ended;
        },
      };
    },
  };
}
