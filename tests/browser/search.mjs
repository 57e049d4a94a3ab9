// Full-text search (docs/search.md): the words of minutes, decisions, action updates and
// bodies are found; ID and title matches come first; matches are highlighted; it works from
// file:// with no request. Run with `node --test` (see scripts/browser-test).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { quorumBinary, repo, launchChromium } from "./support.mjs";

const FILES = [
  ["site.toml", 'title = "T"\nas_of = 2026-01-31\n'],
  ["content/actions/A-1.md", '+++\ntitle = "Patch the depot router"\nowner = "Sam Reid"\nraised = 2025-06-01\ndue = 2026-03-01\n\n[[updates]]\ndate = 2025-09-01\nnote = "Vendor shipped the new firmware."\n+++\nThe Hull router runs <b>old</b> firmware from 2019.\n'],
  ["content/actions/A-2.md", '+++\ntitle = "Firmware update policy"\nowner = "Ann Lee"\nraised = 2025-06-01\ndue = 2026-03-01\n+++\nWrite it.\n'],
  ["content/actions/A-3.md", '+++\ntitle = "Train the drivers"\nowner = "Ann Lee"\nraised = 2025-06-01\ndue = 2026-03-01\n+++\nNothing about routers.\n'],
  ["content/reviews/MR-1.md", '+++\ntitle = "Review one"\ndate = 2025-12-10\nstatus = "held"\nchair = "Ann"\n\n[[decisions]]\nid = "D1"\ntext = "Fund a second firmware engineer."\nkind = "resources"\n+++\n## Risk {#risk}\n\nThe board discussed the backlog.\n'],
];

let dir, out, browser;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "quorum-search-"));
  const site = join(dir, "site");
  for (const [path, text] of FILES) {
    mkdirSync(dirname(join(site, path)), { recursive: true });
    writeFileSync(join(site, path), text);
  }
  out = join(dir, "out");
  execFileSync(quorumBinary(), ["build", "--root", site, "--output-dir", out, "--no-history"], { stdio: "pipe" });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const results = (page) =>
  page.$$eval("#q-search-results li", (items) =>
    items.map((li) => ({
      id: li.querySelector("a").textContent,
      marks: [...li.querySelectorAll("mark")].map((m) => m.textContent),
      excerpt: li.querySelector(".search-excerpt")?.textContent ?? null,
    })),
  );

test("finds words in bodies, decisions and updates, title matches first, highlighted", async () => {
  const page = await browser.newPage();
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(join(out, "search", "index.html")).href);
  const box = page.getByLabel("Search the records");
  await box.focus();
  await page.keyboard.type("firmware");
  const found = await results(page);
  // A-2 has the word in its title; then, in the index's order (reviews, then actions), MR-1
  // in a decision and A-1 in its body and an update.
  assert.deepEqual(found.map((r) => r.id), ["A-2", "MR-1", "A-1"]);
  assert.deepEqual(found[0].marks, ["Firmware"], "the title's match is marked");
  assert.equal(found[0].excerpt, null, "a title match needs no excerpt");
  assert.match(found[2].excerpt, /runs old firmware from 2019/, "the body as text: the raw <b> is gone");
  assert.ok(found[2].marks.includes("firmware"));
  assert.match(found[1].excerpt, /Fund a second firmware engineer\./);
  assert.equal((await page.locator("#q-search-status").textContent()).trim(), "3 records match.");

  // Every word must match, anywhere in the record.
  await box.fill("hull 2019");
  assert.deepEqual((await results(page)).map((r) => r.id), ["A-1"]);
  await box.fill("routers");
  assert.deepEqual((await results(page)).map((r) => r.id), ["A-3"]);
  await box.fill("nothing-like-this");
  assert.equal((await page.locator("#q-search-status").textContent()).trim(), "No record matches.");
  // Offline: the page, its stylesheet and scripts, nothing else.
  assert.ok(requests.every((u) => u.startsWith("file:")), requests.join("\n"));
  await page.close();
});

test("a search is a link: #q= opens with the query and typing keeps the fragment", async () => {
  const page = await browser.newPage();
  await page.goto(pathToFileURL(join(out, "search", "index.html")).href + "#q=hull%202019");
  const box = page.getByLabel("Search the records");
  assert.equal(await box.inputValue(), "hull 2019");
  assert.deepEqual((await results(page)).map((r) => r.id), ["A-1"]);
  await box.fill("routers");
  assert.equal(await page.evaluate(() => location.hash), "#q=routers");
  await box.fill("");
  assert.equal(await page.evaluate(() => location.hash), "", "an empty box leaves no fragment");
  // The older ?q= form still opens with its query.
  await page.goto(pathToFileURL(join(out, "search", "index.html")).href + "?q=routers");
  assert.deepEqual((await results(page)).map((r) => r.id), ["A-3"]);
  await page.close();
});
