/**
 * A container image of the fixture MCP server (tests/fixtures/mcp_fixture.ts) on Deno: the thv image's root
 * file system (deno, its libraries, thv's lib/ and npm dependencies) plus the fixture, which runs over stdio.
 * The same archive serves Podman (`loadArchive`) and the test cluster (`importImage`).
 * @module
 */
import { prepareThvRootfs } from "../../scripts/image.ts";
import { type DockerArchive, writeDockerArchive } from "./docker_archive.ts";

/** The image's tag. */
export const FIXTURE_IMAGE = "localhost/thv-test-fixture:1";

/** The fixture inside the image. */
export const FIXTURE_IN_IMAGE = "/app/tests/fixtures/mcp_fixture.ts";

/** Writes the image as a docker-archive at `out`. */
export async function fixtureArchive(out: string): Promise<DockerArchive> {
  const dir = await Deno.makeTempDir({ prefix: "thv-fixture-image-" });
  try {
    await prepareThvRootfs(`${dir}/rootfs`, { extraFiles: ["tests/fixtures/mcp_fixture.ts"] });
    return await writeDockerArchive(`${dir}/rootfs`, out, {
      ref: FIXTURE_IMAGE,
      entrypoint: [
        "/usr/local/bin/deno",
        "run",
        "--frozen",
        "--cached-only",
        "--config=/app/deno.json",
        FIXTURE_IN_IMAGE,
      ],
      cmd: ["stdio"],
      user: "65532:65532",
      env: ["PATH=/usr/local/bin:/usr/bin:/bin", "DENO_DIR=/app/.deno-dir", "DENO_NO_UPDATE_CHECK=1", "HOME=/tmp"],
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
