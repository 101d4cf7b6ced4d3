/**
 * The single-node cluster with the images the tests use already loaded: thv's own image, the fixture MCP
 * server on Deno and server-everything on Node.js, plus any given docker-archives.
 * @module
 */
import { buildThvImage } from "../../scripts/image.ts";
import { type NodeCluster, startCluster } from "./cluster.ts";
import { everythingArchive } from "./everything_image.ts";
import { fixtureArchive } from "./fixture_image.ts";

/** Builds the thv and test images (into a temporary folder) and starts the cluster with them and `extra`. */
export async function startNodeWithTestImages(extra: readonly string[] = []): Promise<NodeCluster> {
  const dir = await Deno.makeTempDir({ dir: "/var/tmp", prefix: "thv-images-" });
  try {
    const thv = await buildThvImage(`${dir}/thv`);
    const fixture = await fixtureArchive(`${dir}/fixture.tar`);
    const everything = await everythingArchive(`${dir}/everything.tar`);
    return await startCluster({ images: [thv.path, fixture.path, everything.path, ...extra] });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
