import assert from "node:assert/strict";
import { HttpError } from "../../lib/http/mod.ts";
import { contentType, staticHandler, UI_DIST } from "./static.ts";

async function tempUi(files: Record<string, string>): Promise<URL> {
  const dir = await Deno.makeTempDir({ prefix: "thv-ui-" });
  for (const [name, text] of Object.entries(files)) await Deno.writeTextFile(`${dir}/${name}`, text);
  return new URL(`file://${dir}/`);
}

async function refused(answer: () => unknown): Promise<HttpError> {
  try {
    await answer();
  } catch (e) {
    assert.ok(e instanceof HttpError, `an HttpError, not ${e}`);
    return e;
  }
  throw new Error("not refused");
}

Deno.test("static handler answers / with index.html and each file with its type, no-cache and an ETag", async () => {
  const dir = await tempUi({ "index.html": "<!doctype html>", "app.js": "1", "app.css": "a{}" });
  const ui = await staticHandler(dir);
  const root = await ui(new Request("http://127.0.0.1/"));
  assert.equal(root.status, 200);
  assert.equal(root.headers.get("content-type"), "text/html; charset=utf-8");
  assert.match(root.headers.get("content-security-policy")!, /script-src 'self'/);
  assert.equal(await root.text(), "<!doctype html>");
  const js = await ui(new Request("http://127.0.0.1/app.js?v=1"));
  assert.equal(js.headers.get("content-type"), "text/javascript; charset=utf-8");
  assert.equal(js.headers.get("cache-control"), "no-cache");
  assert.equal(js.headers.get("x-content-type-options"), "nosniff");
  assert.equal(await js.text(), "1");
  const again = await ui(
    new Request("http://127.0.0.1/app.js", { headers: { "if-none-match": js.headers.get("etag")! } }),
  );
  assert.equal(again.status, 304);
  assert.equal(await again.text(), "");
  const head = await ui(new Request("http://127.0.0.1/app.css", { method: "HEAD" }));
  assert.equal(head.status, 200);
  assert.equal(head.headers.get("content-length"), "3");
  assert.equal(await head.text(), "");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("static handler refuses unknown files, paths out of its folder and writes", async () => {
  const dir = await tempUi({ "index.html": "x" });
  await Deno.writeTextFile(new URL("../secret.txt", dir), "no");
  const ui = await staticHandler(dir);
  for (const path of ["/nope.js", "/../secret.txt", "/%2e%2e/secret.txt", "/index.html/", "//etc/passwd"]) {
    const e = await refused(() => ui(new Request(`http://127.0.0.1${path}`)));
    assert.equal(e.status, 404, path);
    assert.match(e.message, /^No such file or route: .*: the web UI serves \/index\.html$/);
  }
  const post = await refused(() => ui(new Request("http://127.0.0.1/", { method: "POST" })));
  assert.equal(post.status, 405);
  await Deno.remove(new URL("../secret.txt", dir));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("static handler refuses to start on a folder without index.html, saying to build the UI", async () => {
  const dir = await tempUi({ "app.js": "1" });
  await assert.rejects(staticHandler(dir), /has no index\.html: run deno task ui:build/);
  await assert.rejects(
    staticHandler(new URL("missing/", dir)),
    /Cannot read the web UI's files .*run deno task ui:build/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the committed UI bundle is served: index.html loads app.js and app.css", async () => {
  const ui = await staticHandler(UI_DIST);
  const html = await (await ui(new Request("http://127.0.0.1/"))).text();
  assert.match(html, /<script type="module" src="\/app\.js"><\/script>/);
  assert.match(html, /<link rel="stylesheet" href="\/app\.css">/);
  for (const path of ["/app.js", "/app.css"]) {
    assert.equal((await ui(new Request(`http://127.0.0.1${path}`))).status, 200);
  }
});

Deno.test("contentType by extension, octet-stream when unknown", () => {
  assert.equal(contentType("a.CSS"), "text/css; charset=utf-8");
  assert.equal(contentType("a.svg"), "image/svg+xml");
  assert.equal(contentType("noext"), "application/octet-stream");
});
