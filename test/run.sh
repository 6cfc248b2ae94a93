#!/usr/bin/env bash
# The test command (npm test): set-up, strict type check, lint and format, then every
# test file under test/ in one run of Node's test runner, so one summary closes it.
set -euo pipefail
cd "$(dirname "$0")/.."

bash lib/setup/setup.sh --quiet # also compiles lib/ and test/ into dist/

# The browser test also needs Chromium, which the notebooks themselves do not.
if ! command -v chromium >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "setup: installing Debian's chromium for the browser test"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

echo "types: strict tsc"
npx --no-install tsc -p tsconfig.json --noEmit

echo "lint: eslint and prettier"
npx --no-install eslint .
npx --no-install prettier --check . >/dev/null || {
  npx --no-install prettier --check .
  exit 1
}

mapfile -t files < <(find test -name '*.test.ts' -not -path '*/fixtures/*' | sort)
echo "tests: ${#files[@]} files"
npx --no-install tsx --test --test-reporter=spec "${files[@]}"
