/**
 * `deno task ui:build`: bundles the web UI for the browser (`deno bundle --platform=browser`, esbuild inside,
 * minified, Preact from npm included) and writes roles/serve/ui/dist/: index.html, app.js and app.css, the
 * files thv serve answers. The output is committed; scripts/build_ui_test.ts rebuilds and compares.
 * Usage: `deno task ui:build [out-dir]`.
 * @module
 */
import { fileURLToPath } from "node:url";

/** The UI's sources. */
export const UI_SOURCES = fileURLToPath(new URL("../roles/serve/ui/", import.meta.url));

/** Where the committed bundle lives. */
export const UI_DIST = `${UI_SOURCES}dist`;

/** The files a build writes. */
export const UI_FILES = ["app.css", "app.js", "index.html"] as const;

/** Builds the UI into `outDir` (created); throws with deno bundle's output when it fails. */
export async function buildUi(outDir: string): Promise<void> {
  await Deno.mkdir(outDir, { recursive: true });
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--frozen",
      "--platform=browser",
      "--minify",
      "--output",
      `${outDir}/app.js`,
      `${UI_SOURCES}main.tsx`,
    ],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  if (!out.success) {
    const text = new TextDecoder().decode(out.stderr).trim() || new TextDecoder().decode(out.stdout).trim();
    throw new Error(`deno bundle of the web UI failed: ${text}`);
  }
  await Deno.copyFile(`${UI_SOURCES}index.html`, `${outDir}/index.html`);
  await Deno.copyFile(`${UI_SOURCES}style.css`, `${outDir}/app.css`);
}

if (import.meta.main) {
  const outDir = Deno.args[0] ?? UI_DIST;
  await buildUi(outDir);
  const sizes = await Promise.all(UI_FILES.map(async (f) => `${f} ${(await Deno.stat(`${outDir}/${f}`)).size} B`));
  console.log(`ui:build: wrote ${outDir}: ${sizes.join(", ")}`);
}
