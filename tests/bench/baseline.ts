/**
 * A source tree to benchmark against: a git commit of this repository written out to a temporary folder
 * (`git archive`, so nothing is registered in the repository) with its own `node_modules`, removed when
 * disposed. Side-by-side benches run the baseline and the working tree one after the other in the same run.
 * @module
 */

/** A source tree the bench can run `main.ts` from. */
export interface SourceTree {
  /** Folder holding the tree, with a trailing slash. */
  readonly root: string;
  /** How the report names it: `f9fe678` or `HEAD 1a2b3c4 (with uncommitted changes)`. */
  readonly label: string;
}

/** A baseline tree written out from git; disposing it removes the folder. */
export interface BaselineTree extends SourceTree, AsyncDisposable {
  /** The full commit id the ref resolved to. */
  readonly commit: string;
}

async function git(repo: string, args: readonly string[]): Promise<string> {
  const out = await new Deno.Command("git", { args: ["-C", repo, ...args], stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(`git ${args.join(" ")} failed in ${repo}: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
  return new TextDecoder().decode(out.stdout).trim();
}

/** The working tree at `repo` as a {@linkcode SourceTree}, labelled with its HEAD and whether it is dirty. */
export async function workingTree(repo: string): Promise<SourceTree> {
  const head = await git(repo, ["rev-parse", "--short", "HEAD"]);
  const dirty = (await git(repo, ["status", "--porcelain", "--untracked-files=no"])) !== "";
  return { root: repo.endsWith("/") ? repo : `${repo}/`, label: `HEAD ${head}${dirty ? " + uncommitted" : ""}` };
}

/**
 * Writes commit `ref` of the repository at `repo` to a temporary folder and runs `deno install --frozen`
 * there. `await using` removes it at the end of the scope.
 */
export async function baselineTree(repo: string, ref: string): Promise<BaselineTree> {
  const commit = await git(repo, ["rev-parse", "--verify", `${ref}^{commit}`]).catch((e) => {
    throw new Error(`BENCH_BASELINE_REF ${ref} is not a commit of ${repo}: name a branch, tag or commit`, {
      cause: e,
    });
  });
  const dir = await Deno.makeTempDir({ prefix: "thv-bench-baseline-" });
  const remove = () => Deno.remove(dir, { recursive: true }).catch(() => {});
  try {
    const archive = new Deno.Command("git", {
      args: ["-C", repo, "archive", "--format=tar", commit],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const tar = new Deno.Command("tar", { args: ["-x", "-C", dir], stdin: "piped", stderr: "piped" }).spawn();
    await archive.stdout.pipeTo(tar.stdin);
    const [a, t] = await Promise.all([archive.output(), tar.output()]);
    if (!a.success || !t.success) {
      const why = new TextDecoder().decode(a.success ? t.stderr : a.stderr).trim();
      throw new Error(`Cannot write commit ${commit} to ${dir}: ${why}`);
    }
    const install = await new Deno.Command(Deno.execPath(), {
      args: ["install", "--frozen"],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!install.success) {
      throw new Error(
        `deno install --frozen failed in the baseline ${commit}: ${new TextDecoder().decode(install.stderr)}`,
      );
    }
  } catch (e) {
    await remove();
    throw e;
  }
  return { root: `${dir}/`, label: commit.slice(0, 7), commit, [Symbol.asyncDispose]: remove };
}
