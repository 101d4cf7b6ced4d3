/**
 * The web UI in a real browser: Debian's Chromium, driven by playwright-core, against a real `thv serve` on
 * a machine with no container engine (the Deno sandbox). The test opens the printed link, runs `everything`
 * from the registry through the form, sees it running, reads its logs and its client configuration, sees a
 * refusal of the API as its one line, stops it and removes it. A screenshot is kept in test-artifacts/.
 * Every wait is a Playwright locator assertion with a timeout.
 */
import assert from "node:assert/strict";
import { chromium, type Locator, type Page } from "playwright-core";
import { privateHome, startServe } from "./harness/mod.ts";

/** Packages fetched for the sandbox are kept across runs here, as a user's cache would be. */
const CACHE = `${Deno.env.get("HOME")}/.cache/thv/test-xdg-cache`;
const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = new URL("../test-artifacts/", import.meta.url);

/** Waits (auto-retrying) until `locator`'s text matches `pattern`, within `ms`. */
async function textMatches(locator: Locator, pattern: RegExp, ms: number): Promise<string> {
  await locator.filter({ hasText: pattern }).first().waitFor({ state: "visible", timeout: ms });
  return await locator.first().innerText();
}

async function screenshot(page: Page, name: string): Promise<string> {
  await Deno.mkdir(ARTIFACTS, { recursive: true });
  const path = new URL(`ui-${name}.png`, ARTIFACTS).pathname;
  await page.screenshot({ path, fullPage: true });
  console.log(`screenshot: ${path}`);
  return path;
}

Deno.test("web UI: run everything from the registry, see it running, read its logs, stop and remove it", async () => {
  await using user = await privateHome({ XDG_CACHE_HOME: CACHE, TOOLHIVE_RUNTIME: "deno" });
  await using serve = await startServe(user.env);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: Deno.uid() === 0 ? ["--no-sandbox"] : [],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));

    // The printed link sets the cookie and takes the token out of the address bar.
    await page.goto(serve.uiLink);
    assert.equal(new URL(page.url()).search, "", "the token is gone from the address bar");
    await page.getByRole("heading", { name: "Workloads" }).waitFor({ timeout: 15_000 });
    await page.getByText("No workloads yet").waitFor({ timeout: 15_000 });

    // A server with a required secret: the field is marked, and the API's refusal of it is shown as its line.
    await page.getByLabel("Search the registry").fill("github");
    const servers = page.getByRole("list", { name: "Registry servers" }).getByRole("button");
    await textMatches(servers, /github/, 15_000);
    assert.equal(await servers.count(), 1, "the search leaves only github");
    await servers.first().click();
    const token = page.getByLabel(/GITHUB_PERSONAL_ACCESS_TOKEN/);
    await token.waitFor({ timeout: 5_000 });
    assert.equal(await token.getAttribute("required"), "");
    await token.fill("gh-token");
    await page.getByRole("button", { name: "Run", exact: true }).click();
    const noStore = page.locator("form.run").getByRole("alert");
    await textMatches(noStore, /^body\.secrets: .*thv secret setup/, 15_000);
    await screenshot(page, "run-form-refused");

    // Search the registry and run everything with the form.
    await page.getByLabel("Search the registry").fill("everything");
    await textMatches(servers, /everything/, 15_000);
    assert.equal(await servers.count(), 1, "the search leaves only everything");
    await servers.first().click();
    await page.getByLabel("Workload name").waitFor({ timeout: 5_000 });
    assert.equal(await page.getByLabel("Workload name").inputValue(), "everything");
    await page.getByLabel("Permission profile").selectOption("none");
    await page.getByLabel("Group").selectOption("default");
    await page.getByRole("button", { name: "Run", exact: true }).click();

    // It shows as starting, then running, in the live table (the npm fetch can take a while on a cold cache).
    const row = page.locator('tr[data-workload="everything"]');
    await textMatches(row.locator(".badge"), /^running$/, 180_000);
    const url = await row.locator("td.url code").innerText();
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);

    // The details of the new workload are open: its client configuration and its followed logs.
    const snippet = page.getByLabel("Client configuration of everything");
    await snippet.waitFor({ timeout: 10_000 });
    assert.deepEqual(JSON.parse(await snippet.innerText()), { mcpServers: { everything: { url } } });
    const logs = page.getByRole("log", { name: "Logs of everything" });
    await textMatches(logs, /Starting default \(STDIO\) server/, 60_000);

    // A refusal of the API is its one line: the name is taken.
    await page.getByRole("button", { name: "Run", exact: true }).click();
    const refusal = page.locator("form.run").getByRole("alert");
    await refusal.waitFor({ timeout: 15_000 });
    const line = await refusal.innerText();
    assert.match(line, /everything/);
    assert.doesNotMatch(line, /\n/);

    const shot = await screenshot(page, "everything-running");
    assert.ok((await Deno.stat(shot)).size > 10_000, "the screenshot has content");

    // Stop: the table follows.
    await row.getByRole("button", { name: "Stop everything" }).click();
    await textMatches(row.locator(".badge"), /^stopped$/, 60_000);
    await page.getByText("Shown once everything is running.").waitFor({ timeout: 10_000 });
    await row.getByRole("button", { name: "Start everything" }).waitFor({ timeout: 5_000 });

    // Remove asks once more, then the row is gone.
    await row.getByRole("button", { name: "Remove everything", exact: true }).click();
    await row.getByRole("button", { name: "Remove everything?" }).click();
    await page.getByText("No workloads yet").waitFor({ timeout: 60_000 });
    await row.waitFor({ state: "detached", timeout: 10_000 });
    const listed = await (await serve.api("/api/v1beta/workloads?all=true")).json() as { workloads: unknown[] };
    assert.deepEqual(listed.workloads, []);
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});

Deno.test("thv serve answers the web UI's files without the token, and the API and a wrong link still need it", async () => {
  await using user = await privateHome({ XDG_CACHE_HOME: CACHE, TOOLHIVE_RUNTIME: "deno" });
  await using serve = await startServe(user.env);
  const page = await fetch(`${serve.base}/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-type")!, /^text\/html/);
  assert.match(await page.text(), /src="\/app\.js"/);
  const js = await fetch(`${serve.base}/app.js`);
  assert.equal(js.headers.get("content-type"), "text/javascript; charset=utf-8");
  assert.ok((await js.arrayBuffer()).byteLength > 1000);
  const missing = await fetch(`${serve.base}/nope.html`);
  assert.equal(missing.status, 404);
  assert.match((await missing.json() as { error: string }).error, /^No such file or route: \/nope\.html/);
  const api = await fetch(`${serve.base}/api/v1beta/workloads`);
  assert.equal(api.status, 401);
  await api.body?.cancel();
  const wrong = await fetch(`${serve.base}/?token=wrong`, { redirect: "manual" });
  assert.equal(wrong.status, 401);
  await wrong.body?.cancel();
  const link = await fetch(serve.uiLink, { redirect: "manual" });
  assert.equal(link.status, 303);
  assert.equal(link.headers.get("location"), "/");
  await link.body?.cancel();
});
