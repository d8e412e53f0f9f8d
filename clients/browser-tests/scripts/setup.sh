#!/usr/bin/env bash
# Set-up for the browser tests: Debian's chromium plus the npm packages (playwright-core only).
# Run by Maven (pre-integration-test) before `npm test`; safe to run by hand, and again.
#
# - Chromium comes from the OS, never from a browser download: /usr/bin/chromium (override
#   with HOOKLINE_CHROMIUM). When it is missing and we run as root (CI), it is installed with
#   apt-get; otherwise the script stops and says how to install it.
# - npm packages are installed exactly as package-lock.json pins them (`npm ci`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

chromium="${HOOKLINE_CHROMIUM:-/usr/bin/chromium}"

if [ ! -x "$chromium" ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1 && [ -z "${HOOKLINE_CHROMIUM:-}" ]; then
    echo "browser-tests: $chromium not found; installing Debian's chromium with apt-get (as root)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends chromium >/dev/null
  else
    {
      echo "browser-tests: no Chromium at $chromium."
      echo "The browser tests drive the operating system's Chromium (never a downloaded browser)."
      echo "Install it, then run the build again:"
      echo "  sudo apt-get update && sudo apt-get install -y chromium     # Debian"
      echo "or point HOOKLINE_CHROMIUM at an existing Chromium/Chrome binary."
      echo "To build without the browser tests: ./scripts/test -Dhookline.browserTests.skip=true"
    } >&2
    exit 1
  fi
  if [ ! -x "$chromium" ]; then
    echo "browser-tests: apt-get finished but $chromium is still missing" >&2
    exit 1
  fi
fi
echo "browser-tests: $("$chromium" --version 2>/dev/null || echo "$chromium")"

# playwright-core and `node --test` as package.json uses it need Node.js 20 or newer.
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if ! command -v npm >/dev/null 2>&1 || [ "$node_major" -lt 20 ]; then
  echo "browser-tests: Node.js 20 or newer with npm is needed (found: $(node --version 2>/dev/null || echo none))." >&2
  echo "  e.g. https://nodejs.org or NodeSource's Debian packages" >&2
  exit 1
fi

# Never let an npm package fetch a browser behind our back.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
npm ci --no-audit --no-fund --loglevel=error
