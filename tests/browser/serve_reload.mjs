// `quorum serve` in a real browser: open pages reload by themselves when a record is saved,
// and show a build error as an overlay until it is fixed. Run with `node --test` (see
// scripts/browser-test); uses target/debug/quorum (built first unless QUORUM_BIN is set) and
// the system Chromium (/usr/bin/chromium, or CHROMIUM).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";

import { chromium } from "playwright-core";
import { quorumBinary, repo, launchChromium } from "./support.mjs";

const SITE_TOML = 'title = "Browser test site"\nas_of = 2025-12-31\n';
const action = (title) =>
  `+++\ntitle = "${title}"\nowner = "IT"\nraised = 2025-01-10\ndue = 2026-06-01\n+++\nRoll out disk encryption.\n`;

let site, server, url, browser;

/** Starts `quorum serve --port 0` and resolves with the URL it prints. */
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

/** An editor's atomic save: a temporary file renamed over the record. */
function save(rel, text) {
  const path = join(site, rel);
  const tmp = join(dirname(path), `.${Date.now()}.tmp`);
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

before(async () => {
  const binary = quorumBinary();
  site = mkdtempSync(join(tmpdir(), "quorum-browser-"));
  mkdirSync(join(site, "content", "actions"), { recursive: true });
  writeFileSync(join(site, "site.toml"), SITE_TOML);
  writeFileSync(join(site, "content", "actions", "A-1.md"), action("Encrypt laptops"));
  url = await startServer(binary, site);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.kill();
  if (site) rmSync(site, { recursive: true, force: true });
});

/** Opens a page and waits until its reload socket is connected. */
async function open(path) {
  const page = await browser.newPage();
  const connected = page.waitForEvent("websocket", { timeout: 10_000 });
  await page.goto(url + path);
  await connected;
  return page;
}

const text = (page) => page.evaluate(() => document.body.textContent);

test("open pages at any depth reload by themselves when a record is saved", async () => {
  // The record's page is two folders deep, the register one: both must follow the edit.
  const record = await open("actions/A-1/index.html");
  const register = await open("actions/index.html");
  assert.match(await text(record), /Encrypt laptops/);
  let loads = 0;
  record.on("load", () => loads++);

  save("content/actions/A-1.md", action("Encrypt every laptop by June"));
  for (const page of [record, register]) {
    await page.waitForFunction(() => document.body.textContent.includes("Encrypt every laptop by June"), null, {
      timeout: 10_000,
    });
  }
  assert.ok(loads >= 1, "the page reloaded itself");
  await record.close();
  await register.close();
});

test("a build error shows over the open page until it is fixed", async () => {
  const page = await open("actions/A-1/index.html");
  save("content/actions/A-1.md", '+++\ntitle = "Half typed"\nowner = 3\n+++\n');
  const overlay = page.locator("#quorum-error");
  await overlay.waitFor({ state: "visible", timeout: 10_000 });
  assert.match(await overlay.textContent(), /content\/actions\/A-1\.md:3:/);
  // The last good page stays underneath.
  assert.match(await text(page), /Encrypt every laptop by June/);

  save("content/actions/A-1.md", action("Fixed after the error"));
  await page.waitForFunction(() => document.body.textContent.includes("Fixed after the error"), null, {
    timeout: 10_000,
  });
  assert.equal(await overlay.count(), 0, "the overlay is gone once the site builds");
  await page.close();
});
