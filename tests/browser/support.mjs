// What the browser tests share: the repository, the quorum binary they run and the Chromium
// they drive (see scripts/browser-test, which sets QUORUM_BIN and CHROMIUM).

import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The Chromium binary: $CHROMIUM, else Debian's. */
export const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";

/** The quorum binary: $QUORUM_BIN, else a fresh debug build. */
export function quorumBinary() {
  if (process.env.QUORUM_BIN) return process.env.QUORUM_BIN;
  execFileSync("cargo", ["build", "--quiet", "--bin", "quorum"], { cwd: repo, stdio: "inherit" });
  return join(repo, "target", "debug", "quorum");
}

/** Headless Chromium, with no network of its own. */
export function launchChromium() {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"],
  });
}
