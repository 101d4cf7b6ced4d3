/**
 * Pulling an image through the engine, with its progress reported as events (the CLI draws them as a bar
 * on a terminal and as plain lines elsewhere).
 * @module
 */
import type Docker from "dockerode";

/** One progress event of a pull (Docker's JSON message, as Podman and Docker send it). */
export interface PullEvent {
  /** What happens, e.g. `Downloading`, `Pull complete`. */
  readonly status: string;
  /** The layer it is about, when it is about one. */
  readonly id?: string;
  /** Bytes done, while downloading. */
  readonly current?: number;
  /** Bytes in all, while downloading. */
  readonly total?: number;
}

interface RawEvent {
  status?: string;
  id?: string;
  error?: string;
  progressDetail?: { current?: number; total?: number };
}

/** Pulls `image`; `onEvent` sees each progress event. The error names the image and says what to check. */
export async function pullImage(docker: Docker, image: string, onEvent: (event: PullEvent) => void): Promise<void> {
  const fail = (e: unknown) =>
    new Error(
      `Cannot pull image ${image}: ${(e as Error).message?.split("\n")[0] ?? e}: check the name and the registry, or ` +
        "build the image on the engine",
      { cause: e },
    );
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.pull(image);
  } catch (e) {
    throw fail(e);
  }
  let failure: string | undefined;
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null) => (err ? reject(fail(err)) : resolve()),
      (raw: RawEvent) => {
        // The engine reports a failed pull inside the stream, which itself ends normally.
        if (raw.error) failure ??= raw.error;
        if (!raw.status) return;
        onEvent({
          status: raw.status,
          ...(raw.id ? { id: raw.id } : {}),
          ...(raw.progressDetail?.current !== undefined ? { current: raw.progressDetail.current } : {}),
          ...(raw.progressDetail?.total !== undefined ? { total: raw.progressDetail.total } : {}),
        });
      },
    );
  });
  if (failure) throw fail(new Error(failure));
  // Whatever the stream said, the image must now be there.
  await docker.getImage(image).inspect().catch((e) => {
    throw fail(new Error(`the engine does not have it after the pull: ${(e as Error).message}`));
  });
}
