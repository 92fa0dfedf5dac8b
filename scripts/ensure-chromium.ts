// The browser tests drive a real Chromium. npm cannot bring one here (browser downloads are not
// possible offline), so use the system's: CHROMIUM_PATH, or Debian's /usr/bin/chromium, installed
// on the spot when running as root on a Debian-like system.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].filter(Boolean) as string[];
if (candidates.some((p) => existsSync(p))) process.exit(0);

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
if (isRoot && existsSync("/usr/bin/apt-get")) {
  console.log("Installing Chromium for the browser tests (apt-get install chromium)…");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  execFileSync("apt-get", ["install", "-y", "-qq", "chromium"], { stdio: "inherit", env });
  if (existsSync("/usr/bin/chromium")) process.exit(0);
}
console.error("Chromium is needed for the browser tests: install your distribution's chromium package or set CHROMIUM_PATH.");
process.exit(1);
