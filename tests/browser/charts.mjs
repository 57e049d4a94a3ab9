// Charts as a reader meets them (docs/charts.md): in every chart of the example site and of a
// generated corpus (20 reviews), on the dashboard, /trends/ and every review and objective
// page, at a 1,280 px desktop and a 390 px phone, the drawing shown has its text at 12 CSS px
// or more, no two labels overlap (boxes as Chromium lays the glyphs out), no label covers a
// point or the target line, and the page does not scroll sideways.
// Run with `node --test` (see scripts/browser-test); uses target/debug/quorum (or QUORUM_BIN).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { quorumBinary, repo, launchChromium } from "./support.mjs";

let dir, example, corpus, browser;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "quorum-charts-"));
  const bin = quorumBinary();
  example = join(dir, "example");
  execFileSync(bin, ["build", "--root", repo, "--output-dir", example, "--no-history"], { stdio: "pipe" });
  const site = join(dir, "corpus-site");
  execFileSync("python3", [join(repo, "scripts", "gen_corpus.py"), "1200", site], { stdio: "pipe" });
  corpus = join(dir, "corpus");
  execFileSync(bin, ["build", "--root", site, "--output-dir", corpus, "--no-history"], { stdio: "pipe" });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Every problem with the charts a reader sees on the page, as text. */
async function chartProblems(page) {
  return page.evaluate(() => {
    const problems = [];
    const shown = [...document.querySelectorAll("svg.chart")].filter((s) => s.getBoundingClientRect().width > 0);
    if (shown.length === 0) problems.push("no chart is shown");
    for (const svg of shown) {
      const name = svg.id;
      const scale = svg.getScreenCTM().a;
      const texts = [...svg.querySelectorAll("text")].filter((t) => t.textContent.trim() !== "");
      const boxes = texts.map((t) => ({ text: t.textContent, r: t.getBoundingClientRect() }));
      for (const t of texts) {
        const px = parseFloat(getComputedStyle(t).fontSize) * scale;
        if (px < 11.95) problems.push(`${name}: "${t.textContent}" renders at ${px.toFixed(1)} px`);
      }
      const overlap = (a, b, slack = 0.5) =>
        a.left + slack < b.right && b.left + slack < a.right && a.top + slack < b.bottom && b.top + slack < a.bottom;
      // Glyph boxes include the font's ascent and descent; shrink them to the ink's likely
      // extent (a line box is about 1.2 em, the ink about 0.9 em) so stacked lines do not count.
      const ink = (r, font) => {
        const cut = Math.max(0, (r.height - font) / 2);
        return { left: r.left, right: r.right, top: r.top + cut, bottom: r.bottom - cut };
      };
      const fonts = texts.map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
      const inks = boxes.map((b, i) => ink(b.r, fonts[i]));
      for (let i = 0; i < inks.length; i++) {
        for (let j = i + 1; j < inks.length; j++) {
          if (overlap(inks[i], inks[j])) problems.push(`${name}: "${boxes[i].text}" overlaps "${boxes[j].text}"`);
        }
      }
      const obstacles = [...svg.querySelectorAll("circle.pt, line.target")].map((e) => e.getBoundingClientRect());
      for (let i = 0; i < inks.length; i++) {
        if (obstacles.some((o) => overlap(inks[i], o, 1))) problems.push(`${name}: "${boxes[i].text}" covers a point or the target`);
      }
      const outer = svg.getBoundingClientRect();
      for (let i = 0; i < inks.length; i++) {
        const r = inks[i];
        if (r.left < outer.left - 1 || r.right > outer.right + 1) problems.push(`${name}: "${boxes[i].text}" runs off the drawing`);
      }
    }
    if (document.documentElement.scrollWidth > window.innerWidth + 1) {
      problems.push(`the page scrolls sideways (${document.documentElement.scrollWidth} > ${window.innerWidth})`);
    }
    return problems;
  });
}

/** Every page of a built site with a chart: the dashboard, /trends/, each review and objective. */
function chartPages(which, root) {
  const pages = [[which, "index.html"], [which, "trends/index.html"]];
  for (const section of ["reviews", "objectives"]) {
    for (const id of readdirSync(join(root, section), { withFileTypes: true })) {
      const path = `${section}/${id.name}/index.html`;
      if (id.isDirectory() && readFileSync(join(root, path), "utf8").includes('<svg class="chart')) pages.push([which, path]);
    }
  }
  return pages;
}

for (const width of [1280, 390]) {
  test(`charts read at ${width} px: text of 12 px or more, labels apart, no sideways scroll`, async () => {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const all = [];
    const pages = [...chartPages("example", example), ...chartPages("corpus", corpus)];
    assert.ok(pages.length > 20, `${pages.length} pages with charts`);
    for (const [which, path] of pages) {
      await page.goto(pathToFileURL(join(which === "example" ? example : corpus, path)).href);
      for (const p of await chartProblems(page)) all.push(`${which}/${path}: ${p}`);
    }
    await page.close();
    assert.deepEqual(all, []);
  });
}

test("the phone drawing shows the latest periods; the desktop one the window or the series", async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 900 } });
  await page.goto(pathToFileURL(join(example, "trends", "index.html")).href);
  const labels = (sel) =>
    page.$$eval(`${sel} text.xlabel`, (ts) =>
      ts.sort((a, b) => a.getBoundingClientRect().left - b.getBoundingClientRect().left).map((t) => t.textContent),
    );
  assert.deepEqual(await labels("#trend-nc-n"), ["MR-2025-H1", "MR-2025-H2", "MR-2026-H1", "MR-2026-H2"]);
  assert.equal(await page.$eval("#trend-nc", (s) => s.getBoundingClientRect().width), 0, "the wide drawing is hidden");
  await page.setViewportSize({ width: 1280, height: 900 });
  assert.equal((await labels("#trend-nc")).length, 5, "every review of the series on a desktop");
  await page.close();
});

test("the evidence matrix fits a 1,280 px screen: no sideways scroll, in the page or in its tables", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  for (const root of [example, corpus]) {
    await page.goto(pathToFileURL(join(root, "evidence", "index.html")).href);
    const fit = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth <= window.innerWidth,
      tables: [...document.querySelectorAll(".table-wrap")].filter((w) => w.scrollWidth > w.clientWidth + 1).length,
      matrices: document.querySelectorAll("table.matrix").length,
    }));
    assert.ok(fit.page, `${root}: the page scrolls sideways`);
    assert.equal(fit.tables, 0, `${root}: a table scrolls inside its box`);
    assert.ok(fit.matrices >= 1);
  }
  await page.close();
});

test("tables stacked on a phone are tables on a desktop and on paper", async () => {
  for (const [media, width, expected] of [["screen", 1280, "table"], ["print", 700, "table"], ["screen", 390, "block"]]) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    await page.emulateMedia({ media });
    for (const path of ["owners/index.html", "evidence/index.html"]) {
      await page.goto(pathToFileURL(join(example, path)).href);
      const shown = await page.$$eval("table.stacked", (ts) => ts.map((t) => getComputedStyle(t).display));
      assert.ok(shown.length > 0, `${path}: no stacked table`);
      assert.ok(shown.every((d) => d === expected), `${path} (${media}, ${width} px): ${shown}`);
    }
    await page.close();
  }
});
