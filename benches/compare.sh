#!/usr/bin/env bash
# Times kubeward against the other Kubernetes manifest scanners on the same inputs, in one
# run, and writes the results into docs/benchmarks.md (between the RESULTS markers).
#
# Usage: benches/compare.sh [--runs N] [--corpus DIR] [--only TOOL,...] [--no-write] [CHART_DIR...]
#
#   --runs N       repetitions per tool and input (default 3); medians are reported
#   --corpus DIR   folder of rendered manifests (default: ../shared/corpus/rendered-charts
#                  beside the repository; $KUBEWARD_SHARED replaces ../shared)
#   --only LIST    time only these tools (kubeward is always timed: ratios are against it)
#   --no-write     print the tables, leave docs/benchmarks.md alone
#   CHART_DIR      folders holding Helm charts with their dependencies in charts/, scanned by
#                  the tools that render charts themselves (skipped when absent)
#
# Peers are installed on first use into $KUBEWARD_TOOLS/peers (default
# ~/.cache/kubeward-tools/peers): checkov from PyPI into a virtual environment; trivy,
# kube-score and kubesec with `go install` through the Go module proxy (Go's own build and
# module caches are used, at their default places); helm from ../shared/tools/real-helm.
# Tools that cannot be installed are listed in the results with the error.
# Needs: cargo, go, python3, GNU time (/usr/bin/time; Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

runs=3
shared="${KUBEWARD_SHARED:-../shared}"
corpus=$shared/corpus/rendered-charts
only=""
write=1
charts=()
while (($#)); do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --corpus) corpus=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --no-write) write=0; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) charts+=("$1"); shift ;;
  esac
done
[[ -d $corpus ]] || { echo "compare.sh: no corpus folder at $corpus (--corpus DIR)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "compare.sh: needs GNU time at /usr/bin/time (apt-get install -y time)" >&2; exit 1; }

tools_dir="${KUBEWARD_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeward-tools}/peers"
bin="$tools_dir/bin"
mkdir -p "$bin"
failures="$tools_dir/failures"
: >"$failures"

# Pinned versions of the peers.
CHECKOV_VERSION=3.3.30
TRIVY_VERSION=v0.74.0
KUBE_SCORE_VERSION=v1.20.0
KUBESEC_VERSION=v2.14.2
POLARIS_MODULE=github.com/fairwindsops/polaris/v9
POLARIS_VERSION=v9.6.1
KUBE_LINTER_MODULE=golang.stackrox.io/kube-linter
KUBE_LINTER_VERSION=v0.7.2
KUBESCAPE_MODULE=github.com/kubescape/kubescape/v3
KUBESCAPE_VERSION=v3.0.40

export CHECKOV_VERSION TRIVY_VERSION KUBE_SCORE_VERSION KUBESEC_VERSION

wanted() { [[ -z $only || ",$only," == *",$1,"* ]]; }

# Records why a tool is missing: its name and the last lines of the build output.
failed() {
  local tool=$1 log=$2
  { echo "### $tool"; grep -v '^go: downloading' "$log" | tail -n 6; } >>"$failures"
  echo "compare.sh: $tool could not be installed (see the results)" >&2
}

go_tool() { # go_tool NAME PACKAGE@VERSION [env...]
  local name=$1 pkg=$2; shift 2
  [[ -x $bin/$name ]] && return 0
  local log; log=$(mktemp)
  if ! env "$@" GOBIN="$bin" GOFLAGS=-buildvcs=false go install "$pkg" >"$log" 2>&1; then
    failed "$name" "$log"
  fi
  rm -f "$log"
}

# `go install m@v` also asks the proxy for the module's version list (to warn about
# deprecation); where only the version itself can be had, build inside the downloaded module.
go_tool_in_module() { # go_tool_in_module NAME MODULE VERSION SUBDIR
  local name=$1 module=$2 version=$3 sub=$4
  [[ -x $bin/$name ]] && return 0
  local log dir; log=$(mktemp)
  if dir=$(GOFLAGS=-mod=mod go mod download -json "$module@$version" 2>"$log" |
      python3 -c 'import json,sys; d=json.load(sys.stdin).get("Dir"); print(d or ""); sys.exit(not d)') &&
     (cd "$dir/$sub" && GOFLAGS=-buildvcs=false go build -o "$bin/$name" . >>"$log" 2>&1); then
    :
  else
    go mod download -json "$module@$version" 2>&1 | grep -i error | head -3 >>"$log" || true
    failed "$name" "$log"
  fi
  rm -f "$log"
}

install_peers() {
  if wanted checkov && [[ ! -x $tools_dir/checkov-venv/bin/checkov ]]; then
    local log; log=$(mktemp)
    { python3 -m venv "$tools_dir/checkov-venv" &&
      "$tools_dir/checkov-venv/bin/pip" install -q "checkov==$CHECKOV_VERSION"; } >"$log" 2>&1 ||
      failed checkov "$log"
    rm -f "$log"
  fi
  [[ -x $tools_dir/checkov-venv/bin/checkov ]] && ln -sf "$tools_dir/checkov-venv/bin/checkov" "$bin/checkov"
  if wanted helm || wanted checkov; then
    helm_bin=$("$shared/tools/real-helm" 2>/dev/null) && ln -sf "$helm_bin" "$bin/helm" ||
      echo "### helm" >>"$failures"
  fi
  # trivy 0.74 uses encoding/json/v2, behind GOEXPERIMENT=jsonv2 in Go 1.25 and 1.26.
  wanted trivy && go_tool trivy "github.com/aquasecurity/trivy/cmd/trivy@$TRIVY_VERSION" GOEXPERIMENT=jsonv2
  wanted kube-score && go_tool kube-score "github.com/zegl/kube-score/cmd/kube-score@$KUBE_SCORE_VERSION"
  wanted kubesec && go_tool_in_module kubesec github.com/controlplaneio/kubesec/v2 "$KUBESEC_VERSION" .
  wanted polaris && go_tool_in_module polaris "$POLARIS_MODULE" "$POLARIS_VERSION" .
  wanted kube-linter && go_tool_in_module kube-linter "$KUBE_LINTER_MODULE" "$KUBE_LINTER_VERSION" cmd/kube-linter
  wanted kubescape && go_tool_in_module kubescape "$KUBESCAPE_MODULE" "$KUBESCAPE_VERSION" .
  return 0
}

echo "compare.sh: installing peers into $tools_dir" >&2
install_peers
echo "compare.sh: building kubeward (release)" >&2
cargo build --release -q -p kubeward-cli
kubeward="${CARGO_TARGET_DIR:-target}/release/kubeward"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export PATH="$bin:$PATH" TRIVY_CACHE_DIR="$tools_dir/trivy-cache"
python3 benches/scripts/compare.py --runs "$runs" --corpus "$corpus" --scratch "$scratch" \
  --bin "$bin" --kubeward "$kubeward" --failures "$failures" --only "$only" \
  --write "$write" --doc docs/benchmarks.md -- "${charts[@]}"
