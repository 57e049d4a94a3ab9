// `quorum serve` is for the author only: a page served from another port of this machine (the
// same site in Fetch terms) or from another host name (another site) cannot load or read the
// preview's search index, which lists confidential records too; the preview's own pages still
// can, and a link from elsewhere still opens the preview. Run with `node --test` (see
// scripts/browser-test); uses target/debug/quorum (or QUORUM_BIN) and the system Chromium.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

import { quorumBinary, repo, launchChromium } from "./support.mjs";

const SECRET = "Merger with Initech";
const CONFIDENTIAL = `+++\ntitle = "${SECRET}"\nowner = "CEO"\nraised = 2025-01-10\ndue = 2026-06-01\nconfidential = true\n+++\nDo not tell anyone.\n`;

let site, server, preview, other, otherPort, browser;

/** Starts `quorum serve --port 0` and resolves with the URL it prints (http://127.0.0.1:PORT/). */
function startServer(binary, root) {
  server = spawn(binary, ["serve", "--root", root, "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("quorum serve printed no URL within 60 s")), 60_000);
    server.on("exit", (code) => reject(new Error(`quorum serve exited with ${code}`)));
    createInterface({ input: server.stdout }).on("line", (line) => {
      const m = line.match(/http:\/\/\S+\//);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
  });
}

/** Another web page on this machine: tries every way a page has to read the preview's index. */
function attackPage(target) {
  const index = `${target}search-index.js`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Another page</title>
<script>window.results = {}; window.done = new Promise((resolve) => { window.finish = resolve; });</script>
<script src="${index}" onload="results.script = 'loaded'" onerror="results.script = 'error'"></script>
<script>
(async () => {
  try { const r = await fetch("${index}"); results.cors = "read: " + (await r.text()); }
  catch (e) { results.cors = "failed"; }
  try { const r = await fetch("${index}", { mode: "no-cors" }); results.opaque = r.type + ": " + (await r.text()); }
  catch (e) { results.opaque = "failed"; }
  window.finish();
})();
</script></head>
<body><a id="preview" href="${target}index.html">the preview</a></body></html>
`;
}

before(async () => {
  const binary = quorumBinary();
  site = mkdtempSync(join(tmpdir(), "quorum-browser-"));
  mkdirSync(join(site, "content", "actions"), { recursive: true });
  writeFileSync(join(site, "site.toml"), 'title = "Cross-origin test site"\nas_of = 2025-12-31\n');
  writeFileSync(join(site, "content", "actions", "A-1.md"), CONFIDENTIAL);
  preview = await startServer(binary, site);
  other = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(attackPage(preview));
  });
  await new Promise((resolve) => other.listen(0, "127.0.0.1", resolve));
  otherPort = other.address().port;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  other?.close();
  server?.kill();
  if (site) rmSync(site, { recursive: true, force: true });
});

/** Opens the other page at `origin` and waits for its attempts: what they got, and the fetch
 * metadata Chromium sent with each request for the index (as the DevTools protocol saw it). */
async function attack(origin) {
  const page = await browser.newPage();
  const cdp = await page.context().newCDPSession(page);
  const [urls, headersOf, statusOf] = [new Map(), new Map(), new Map()];
  cdp.on("Network.requestWillBeSent", ({ requestId, request }) => urls.set(requestId, request.url));
  cdp.on("Network.requestWillBeSentExtraInfo", ({ requestId, headers }) => headersOf.set(requestId, headers));
  cdp.on("Network.responseReceivedExtraInfo", ({ requestId, statusCode }) => statusOf.set(requestId, statusCode));
  const failed = [];
  page.on("requestfailed", (r) => {
    if (r.url().endsWith("/search-index.js")) failed.push(r.failure()?.errorText);
  });
  await cdp.send("Network.enable");
  await page.goto(origin);
  await page.evaluate(() => window.done);
  const results = await page.evaluate(() => window.results);
  const leaked = await page.evaluate(() => typeof window.QUORUM_SEARCH);
  const html = await page.content();
  const ids = [...urls].filter(([, url]) => url.endsWith("/search-index.js")).map(([id]) => id);
  const sent = ids.map((id) => headersOf.get(id)?.["Sec-Fetch-Site"] ?? headersOf.get(id)?.["sec-fetch-site"]);
  const statuses = ids.map((id) => statusOf.get(id));
  return { page, results, leaked, sent, statuses, failed, html };
}

function assertNothingRead({ results, leaked, html }) {
  assert.equal(leaked, "undefined", "the index's script must not run in another page");
  assert.equal(results.script, "error", "the script tag fails to load");
  assert.equal(results.cors, "failed", "a CORS fetch fails");
  assert.ok(!String(results.opaque).includes(SECRET), `a no-cors fetch reads nothing: ${results.opaque}`);
  assert.ok(!html.includes(SECRET));
}

function assertRefused({ sent, statuses, failed }, site) {
  const what = JSON.stringify({ sent, statuses, failed });
  assert.equal(sent.length, 3, `the script tag and two fetches asked for the index: ${what}`);
  assert.ok(sent.every((s) => s === site), `Chromium sends Sec-Fetch-Site: ${site}: ${what}`);
  assert.ok(statuses.every((s) => s === 403), `the server refuses: ${what}`);
  assert.ok(failed.includes("net::ERR_BLOCKED_BY_RESPONSE.NotSameOrigin"), `CORP blocks: ${what}`);
}

test("a page on another port of this machine cannot read the search index", async () => {
  const attempt = await attack(`http://127.0.0.1:${otherPort}/`);
  assertNothingRead(attempt);
  // Another port of this machine is the same site in Fetch terms: the server refuses what is
  // not a navigation, and the browser blocks the answer anyway (CORP), whatever its status.
  assertRefused(attempt, "same-site");
  await attempt.page.close();
});

test("a page of another host name cannot read the search index", async () => {
  const attempt = await attack(`http://localhost:${otherPort}/`);
  assertNothingRead(attempt);
  assertRefused(attempt, "cross-site");
  await attempt.page.close();
});

test("the preview's own search page loads the index, confidential records included", async () => {
  const page = await browser.newPage();
  await page.goto(`${preview}search/index.html`);
  await page.waitForFunction(() => Array.isArray(window.QUORUM_SEARCH), null, { timeout: 10_000 });
  const titles = await page.evaluate(() => window.QUORUM_SEARCH.map((r) => r.title));
  assert.deepEqual(titles, [SECRET]);
  await page.close();
});

test("a link from another page on this machine still opens the preview, which reloads as usual", async () => {
  const { page } = await attack(`http://127.0.0.1:${otherPort}/`);
  const connected = page.waitForEvent("websocket", { timeout: 10_000 });
  await Promise.all([page.waitForURL(`${preview}index.html`), page.click("#preview")]);
  const socket = await connected;
  assert.ok(socket.url().endsWith("/__quorum/ws"));
  await page.waitForFunction(() => document.title.includes("Cross-origin test site"), null, { timeout: 10_000 });
  await page.close();
});
