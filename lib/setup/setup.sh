#!/usr/bin/env bash
# Idempotent set-up for latentlab: system tools, npm packages, the compiled library, the
# tslab kernel and the data links. Each step checks first and only does what is missing.
#
#   bash lib/setup/setup.sh            set up everything, say what was done
#   bash lib/setup/setup.sh --quiet    the same, printing only what changes or fails
#
# Environment: LATENTLAB_DATA (data folder), LATENTLAB_BACKEND=tensorflow-gpu (also fetch
# the GPU build of TensorFlow.js even when no NVIDIA GPU is seen).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
caller=$PWD
cd "$root"
quiet=0
[ "${1:-}" = "--quiet" ] && quiet=1

say() { [ "$quiet" = 1 ] || printf 'setup: %s\n' "$*"; }
act() { printf 'setup: %s\n' "$*"; }
fail() {
  printf '\nsetup failed: %s\n' "$1" >&2
  shift
  for line in "$@"; do printf '  %s\n' "$line" >&2; done
  exit 1
}

# 1. Node.js new enough to require() the ES modules Plot and d3 ship.
node_ok=$(node -e 'const [a,b]=process.versions.node.split(".").map(Number);
  console.log(a>20||(a===20&&b>=19)?1:0)' 2>/dev/null || echo missing)
if [ "$node_ok" = missing ]; then
  fail "Node.js was not found on PATH." "Install Node.js 20.19 or later (https://nodejs.org)."
elif [ "$node_ok" != 1 ]; then
  fail "Node.js $(node --version) is too old." \
    "latentlab needs Node.js 20.19 or later: older versions cannot load Observable Plot." \
    "Install a newer Node.js, or create the conda environment in environment.yml."
fi

# 2. System tools: Jupyter with nbconvert, the LaTeX route to PDF, poppler, the data set.
debian_packages=(jupyter-nbconvert python3-nbclient jupyter-client jupyter-notebook
  python3-ipykernel texlive-xetex texlive-fonts-recommended texlive-plain-generic pandoc
  poppler-utils fonts-dejavu-core unzip dataset-fashion-mnist)
find_jupyter_python() {
  local jupyter
  jupyter=$(command -v jupyter-nbconvert || true)
  [ -n "$jupyter" ] || return 1
  # The interpreter on the shebang line is the Python that runs Jupyter.
  local shebang
  shebang=$(head -n 1 "$jupyter" | sed -e 's/^#! *//')
  case "$shebang" in
    */env\ *) command -v "${shebang##* }" ;;
    *) echo "${shebang%% *}" ;;
  esac
}
missing_tools() {
  local out=()
  find_jupyter_python >/dev/null || out+=("Jupyter with nbconvert and nbclient")
  command -v xelatex >/dev/null || out+=("XeLaTeX (TeX Live: xetex, fonts-recommended, plain-generic)")
  command -v pandoc >/dev/null || out+=("pandoc")
  command -v pdftotext >/dev/null || out+=("poppler-utils (pdftotext, pdfinfo)")
  printf '%s\n' "${out[@]}"
}
if [ -n "$(missing_tools)" ]; then
  # Preference: conda (environment.yml), then Debian's packages as root, then a list.
  # An active 'latentlab' environment still lacks LaTeX; that falls through to the rest.
  if command -v conda >/dev/null && [ "${CONDA_DEFAULT_ENV:-}" != latentlab ]; then
    if ! conda env list | grep -q '^latentlab '; then
      act "creating the conda environment 'latentlab' from environment.yml"
      conda env create -q -f environment.yml
    fi
    fail "the conda environment 'latentlab' is ready but not active." \
      "Run: conda activate latentlab   and then this command again."
  elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    wanted=()
    for p in "${debian_packages[@]}"; do
      dpkg -s "$p" >/dev/null 2>&1 || wanted+=("$p")
    done
    act "installing Debian packages: ${wanted[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${wanted[@]}" >/dev/null
  fi
  still=$(missing_tools)
  if [ -n "$still" ]; then
    mapfile -t lines <<<"$still"
    fail "these tools are missing and could not be installed here:" "${lines[@]}" \
      "With conda: conda env create -f environment.yml && conda activate latentlab" \
      "On Debian/Ubuntu as root this script installs them: ${debian_packages[*]}"
  fi
fi
jupyter_python=$(find_jupyter_python)
"$jupyter_python" -c 'import nbclient, nbconvert' 2>/dev/null ||
  fail "the Python that runs Jupyter ($jupyter_python) lacks nbclient or nbconvert." \
    "Install them into that Python, or use the conda environment in environment.yml."

# 3. npm packages, exactly as locked. The native TensorFlow packages are optional: where
#    their download is impossible npm skips them and the wasm backend is used.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  act "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi
if [ ! -d node_modules/@tensorflow/tfjs-node-gpu ]; then
  if [ "${LATENTLAB_BACKEND:-}" = tensorflow-gpu ] || nvidia-smi -L >/dev/null 2>&1; then
    gpu_version=$(node -p 'require("./package.json").dependencies["@tensorflow/tfjs"]')
    act "NVIDIA GPU requested or found: installing @tensorflow/tfjs-node-gpu@$gpu_version"
    npm install --no-save --no-audit --no-fund "@tensorflow/tfjs-node-gpu@$gpu_version" ||
      act "could not install @tensorflow/tfjs-node-gpu; see the messages above"
  fi
fi

# 4. The library, compiled, and linked as the package 'latentlab' so notebooks can import it
#    (tslab only compiles .ts files below the notebook's own folder).
# tsc still writes dist/ when it finds type errors; `npm test` fails on them, set-up warns.
if ! npx --no-install tsc -p tsconfig.json; then
  act "warning: the type errors above need fixing; the library was compiled anyway"
fi
if [ "$(readlink node_modules/latentlab 2>/dev/null)" != .. ]; then
  rm -rf node_modules/latentlab
  ln -s .. node_modules/latentlab
  say "linked node_modules/latentlab to the project"
fi

# 5. The tslab kernel, registered with the Python that runs Jupyter. The registration is one
#    per machine, so its launcher starts the tslab of the project that holds the notebook (the
#    kernel runs in the notebook's folder), and this project's tslab for notebooks elsewhere.
#    Several clones then share the one kernel without taking it over from each other.
tslab_bin="$root/node_modules/.bin/tslab"
kernel_dir=$("$jupyter_python" - <<'PY' 2>/dev/null || true
import os
from jupyter_client.kernelspec import KernelSpecManager
try:
    spec = KernelSpecManager().get_kernel_spec('tslab')
except Exception:
    raise SystemExit
launcher = os.path.join(spec.resource_dir, 'latentlab-launch.sh')
if spec.argv[:2] == ['/bin/sh', launcher] and os.path.isfile(launcher):
    print(spec.resource_dir)
PY
)
fallback=$(sed -n "s/^exec '\(.*\)' \"\$@\"$/\1/p" "$kernel_dir/latentlab-launch.sh" 2>/dev/null || true)
if [ -z "$kernel_dir" ] || [ ! -x "$fallback" ]; then
  act "registering the tslab kernel with $jupyter_python"
  "$tslab_bin" install --python="$jupyter_python" --binary="$tslab_bin" >/dev/null ||
    fail "could not register the tslab kernel with $jupyter_python." \
      "Try: $tslab_bin install --python=$jupyter_python --binary=$tslab_bin --user"
  "$jupyter_python" - "$tslab_bin" <<'PY' ||
import json, os, sys
from jupyter_client.kernelspec import KernelSpecManager
def launch(spec):
    launcher = os.path.join(spec.resource_dir, 'latentlab-launch.sh')
    with open(launcher, 'w') as out:
        out.write(f"""#!/bin/sh
# Written by latentlab's set-up: starts the tslab of the project holding the notebook.
dir=$PWD
while :; do
  [ -x "$dir/node_modules/.bin/tslab" ] && exec "$dir/node_modules/.bin/tslab" "$@"
  [ "$dir" = / ] && break
  dir=$(dirname "$dir")
done
exec '{sys.argv[1]}' "$@"
""")
    manifest = os.path.join(spec.resource_dir, 'kernel.json')
    with open(manifest) as f:
        kernel = json.load(f)
    kernel['argv'] = ['/bin/sh', launcher] + kernel['argv'][1:]
    with open(manifest, 'w') as f:
        json.dump(kernel, f, indent=1)


# tslab registers two kernels, TypeScript (tslab) and JavaScript (jslab); both get the launcher.
for name in ('tslab', 'jslab'):
    launch(KernelSpecManager().get_kernel_spec(name))
PY
    fail "could not write the tslab kernel's launcher." \
      "Try: $tslab_bin install --python=$jupyter_python --binary=$tslab_bin --user"
fi

# 6. Data: link what is found into data/, never replacing a user's own files.
# A folder named by LATENTLAB_DATA is the user's: relative to where they are, and never
# created here (a mistyped name would quietly become a new folder).
data_dir=$root/data
if [ -n "${LATENTLAB_DATA:-}" ]; then
  case "$LATENTLAB_DATA" in
    /*) data_dir=$LATENTLAB_DATA ;;
    *) data_dir=$caller/$LATENTLAB_DATA ;;
  esac
  if [ ! -d "$data_dir" ]; then
    act "data: LATENTLAB_DATA names $data_dir, which is not a folder; create it or unset LATENTLAB_DATA"
    exit 0
  fi
fi
mkdir -p "$data_dir"
link_data() { # link_data NAME CANDIDATE...
  local name=$1
  shift
  if [ -e "$data_dir/$name" ]; then
    say "data: $data_dir/$name is there"
    return
  fi
  [ -L "$data_dir/$name" ] && rm -f "$data_dir/$name" # a dangling link from an old clone
  for candidate in "$@"; do
    if [ -d "$candidate" ]; then
      ln -s "$(cd "$candidate" && pwd)" "$data_dir/$name"
      act "data: linked $data_dir/$name -> $candidate"
      return
    fi
  done
  act "data: no $name found; put it in $data_dir/$name (see data/README.md)"
}
# The shared data sit beside the project; a clone of a local checkout also looks beside the
# checkout it was cloned from.
shared=("$root/../shared/data")
origin=$(git -C "$root" config --get remote.origin.url 2>/dev/null || true)
case "$origin" in
  /* | file://*) shared+=("${origin#file://}/../shared/data") ;;
esac
link_data fashion-mnist "${shared[@]/%//fashion-mnist}" /usr/share/datasets/fashion-mnist
link_data ml-latest-small "${shared[@]/%//ratings/ml-latest-small}"
say "ready"
