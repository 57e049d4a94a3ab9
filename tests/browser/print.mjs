// A review printed from Chromium reads as a document (docs/print.md): the example site's
// latest held review and its planned review, printed with `--print-to-pdf` and read back with
// pdftotext (Debian's poppler-utils): no page is nearly empty, no relative URL is printed,
// every page has its running footer (the review's ID and "Page N of M"), and each ends as it
// should (an approval block; for the planned one, what is still to prepare and room for the
// proposed decisions). Run with `node --test` (see scripts/browser-test).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { quorumBinary, repo, chromiumPath } from "./support.mjs";

let dir, out;

before(() => {
  dir = mkdtempSync(join(tmpdir(), "quorum-print-"));
  out = join(dir, "site");
  execFileSync(quorumBinary(), ["build", "--root", repo, "--output-dir", out, "--no-history"], { stdio: "pipe" });
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The text of each printed page of a review. */
function printed(id) {
  const pdf = join(dir, `${id}.pdf`);
  execFileSync(
    chromiumPath,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--no-first-run",
      `--user-data-dir=${join(dir, "profile")}`,
      "--no-pdf-header-footer",
      `--print-to-pdf=${pdf}`,
      pathToFileURL(join(out, "reviews", id, "index.html")).href,
    ],
    { stdio: "pipe" },
  );
  const text = execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" });
  const pages = text.split("\f");
  if (pages.at(-1).trim() === "") pages.pop();
  return pages;
}

function checkPages(id, pages) {
  assert.ok(pages.length >= 2, `${id}: ${pages.length} page(s)`);
  pages.forEach((page, i) => {
    const n = i + 1;
    assert.match(page, new RegExp(`Page ${n} of ${pages.length}`), `${id} page ${n}: no page number`);
    assert.ok(page.includes(id), `${id} page ${n}: no review ID in the footer`);
    assert.ok(!page.includes("index.html"), `${id} page ${n} prints a URL:\n${page}`);
    // What is on the page besides its running head and footer: a few lines of text at
    // least (a block of write-in lines is short in characters but fills its part of a page).
    const lines = page.split("\n").filter((l) => l.trim() !== "" && !/Page \d+ of \d+|Status as of/.test(l));
    const chars = lines.join("").replace(/\s+/g, "").length;
    assert.ok(lines.length >= 5 || chars > 200, `${id} page ${n} is nearly empty (${lines.length} lines, ${chars} characters):\n${page}`);
  });
  return pages.join("\n");
}

test("the latest held review prints as minutes with an approval block", () => {
  const all = checkPages("MR-2026-H2", printed("MR-2026-H2"));
  assert.match(all, /Fernhill Logistics Ltd/, "the first-page block names the organisation");
  assert.match(all, /statuses as of 2026-11-20/);
  assert.match(all, /Approval of these minutes\s+Not approved as of 2026-11-20/);
  assert.match(all, /Approved by/);
});

test("an approved review prints its approval and the digest", () => {
  const all = checkPages("MR-2026-H1", printed("MR-2026-H1"));
  assert.match(all, /Approved on 2026-06-11 by Ruth Okafor/);
  assert.match(all, /sha256:[0-9a-f]{64}/);
});

test("a planned review prints as the pack sent before the meeting", () => {
  const all = checkPages("MR-2027-H1", printed("MR-2027-H1"));
  assert.match(all, /To prepare before the meeting/);
  assert.match(all, /☐ 9\.3\.2 b/, "a checklist of the inputs still to prepare");
  assert.match(all, /Proposed decisions/);
  assert.match(all, /is 15 days long/, "a short period is said next to the figures");
});
