#!/usr/bin/env bash
# The test command (npm test): set-up, strict type check, lint and format, then every
# test file under test/ in one run of Node's test runner, so one summary closes it.
set -euo pipefail
cd "$(dirname "$0")/.."

bash lib/setup/setup.sh --quiet # also compiles lib/ and test/ into dist/

# The tests also need Chromium (browser test) and zip (download test); the notebooks don't.
test_tools=()
command -v chromium >/dev/null || test_tools+=(chromium)
command -v zip >/dev/null || test_tools+=(zip)
if [ ${#test_tools[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "setup: installing Debian's ${test_tools[*]} for the tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${test_tools[@]}" >/dev/null
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
