// The registers (docs/registers.md): the urgency order, sorting and filtering by keyboard with
// a live count, the filter state in the URL fragment (a link that works from file://), and the
// complete table with JavaScript disabled. Run with `node --test` (see scripts/browser-test);
// uses target/debug/quorum (or QUORUM_BIN) and the system Chromium.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { quorumBinary, repo, launchChromium } from "./support.mjs";

// As of 2026-01-31: A-1 is 30 days overdue, A-2 61 days overdue, A-3 open (due 2026-03-01),
// A-4 open (due 2026-02-15), A-5 closed 2025-12-01, A-6 closed 2026-01-10.
// Urgency order.
const action = (id, title, owner, due, extra = "") =>
  [`content/actions/${id}.md`, `+++\ntitle = "${title}"\nowner = "${owner}"\nraised = 2025-06-01\ndue = ${due}\n${extra}+++\nText.\n`];
const FILES = [
  ["site.toml", 'title = "T"\nas_of = 2026-01-31\n'],
  action("A-1", "Patch the firewall", "Sam Reid, IT", "2026-01-01"),
  action("A-2", "Renew the certificate", "Ann Lee, Security", "2025-12-01"),
  action("A-3", "Train the drivers", "sam reid, Depot", "2026-03-01"),
  action("A-4", "Rotate backup keys", "Ann Lee", "2026-02-15"),
  action("A-5", "Replace the badge reader", "Sam Reid", "2025-11-30", "closed = 2025-12-01\n"),
  action("A-6", "Write the patch policy", "Ann Lee", "2026-02-01", "closed = 2026-01-10\n"),
];
const URGENCY = ["A-2", "A-1", "A-4", "A-3", "A-6", "A-5"];

let dir, out, browser;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "quorum-registers-"));
  const site = join(dir, "site");
  for (const [path, text] of FILES) {
    mkdirSync(dirname(join(site, path)), { recursive: true });
    writeFileSync(join(site, path), text);
  }
  mkdirSync(join(site, "content", "reviews"), { recursive: true });
  out = join(dir, "out");
  execFileSync(quorumBinary(), ["build", "--root", site, "--output-dir", out, "--no-history"], { stdio: "pipe" });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const register = (hash = "") => pathToFileURL(join(out, "actions", "index.html")).href + hash;

/** The IDs of the rows a reader sees, top to bottom. */
async function visibleIds(page) {
  return page.$$eval("table.register tbody tr", (rows) =>
    rows.filter((r) => !r.hidden && r.offsetParent !== null).map((r) => r.cells[0].textContent.trim()),
  );
}

test("without JavaScript the register is complete, in urgency order, with no filter form", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(register("#status=overdue"));
  assert.deepEqual(await visibleIds(page), URGENCY);
  assert.equal(await page.locator(".register-filters").count(), 0);
  assert.equal((await page.locator("#register-count").textContent()).trim(), "6 actions");
  await context.close();
});

test("filters by keyboard, counts the rows it shows, and keeps the state in the fragment", async () => {
  const page = await browser.newPage();
  await page.goto(register());
  assert.deepEqual(await visibleIds(page), URGENCY);
  assert.equal(await page.locator("#register-count").getAttribute("aria-live"), "polite");

  // Status: overdue, chosen with the keyboard.
  const status = page.getByLabel("Status");
  await status.focus();
  await status.selectOption("overdue");
  assert.deepEqual(await visibleIds(page), ["A-2", "A-1"]);
  assert.equal((await page.locator("#register-count").textContent()).trim(), "2 of 6 actions");
  assert.match(page.url(), /#status=overdue$/);

  // Owner groups on the part before the comma, case-insensitively: "Sam Reid, IT" and
  // "sam reid, Depot" are one person.
  await status.selectOption("");
  const owner = page.getByLabel("Owner");
  const owners = await owner.locator("option").allTextContents();
  assert.deepEqual(owners, ["All", "Ann Lee", "Sam Reid"]);
  await owner.selectOption({ label: "Sam Reid" });
  assert.deepEqual(await visibleIds(page), ["A-1", "A-3", "A-5"]);

  // The text box searches titles and IDs.
  await owner.selectOption("");
  const find = page.getByLabel("Find");
  await find.focus();
  await page.keyboard.type("patch");
  assert.deepEqual(await visibleIds(page), ["A-1", "A-6"]);
  assert.equal((await page.locator("#register-count").textContent()).trim(), "2 of 6 actions");

  // The filtered view is a link: opening it shows the same rows.
  const link = page.url();
  const again = await browser.newPage();
  await again.goto(link);
  assert.deepEqual(await visibleIds(again), ["A-1", "A-6"]);
  assert.equal(await again.getByLabel("Find").inputValue(), "patch");
  await again.close();

  await page.getByRole("button", { name: "Show all" }).press("Enter");
  assert.deepEqual(await visibleIds(page), URGENCY);
  assert.equal((await page.locator("#register-count").textContent()).trim(), "6 actions");
  await page.close();
});

test("sorts by a column from the keyboard and announces the order with aria-sort", async () => {
  const page = await browser.newPage();
  await page.goto(register());
  const due = page.locator("th", { has: page.getByRole("button", { name: /^Due/ }) });
  const button = page.getByRole("button", { name: /^Due/ });
  await button.focus();
  await page.keyboard.press("Enter");
  assert.equal(await due.getAttribute("aria-sort"), "ascending");
  // Due dates in force: A-5 2025-11-30, A-2 2025-12-01, A-1 2026-01-01, A-6 2026-02-01,
  // A-4 2026-02-15, A-3 2026-03-01.
  assert.deepEqual(await visibleIds(page), ["A-5", "A-2", "A-1", "A-6", "A-4", "A-3"]);
  await page.keyboard.press("Space");
  assert.equal(await due.getAttribute("aria-sort"), "descending");
  assert.deepEqual(await visibleIds(page), ["A-3", "A-4", "A-6", "A-1", "A-2", "A-5"]);
  assert.match(page.url(), /#sort=due-desc$/);
  await page.keyboard.press("Enter");
  assert.equal(await due.getAttribute("aria-sort"), null, "a third press returns to the register's order");
  assert.deepEqual(await visibleIds(page), URGENCY);
  assert.equal(await page.locator("th[aria-sort]").count(), 0);
  await page.close();
});
