#!/usr/bin/env bash
# Builds the WebAssembly package:
#   pkg/       ES module for browsers and bundlers (`import init, { scan } from "./pkg/kubeward.js"`)
#   pkg-node/  CommonJS module for Node (`const { scan } = require("./pkg-node")`)
# Installs what it needs when missing: the wasm32-unknown-unknown target (rustup) and
# wasm-bindgen-cli at exactly the version of the wasm-bindgen crate in Cargo.lock, in a
# cache folder ($KUBEWARD_WASM_TOOLS, default <cargo target dir>/wasm-tools).
# wasm-opt is not needed (it would shave a little more off the size when run by hand).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
tools="${KUBEWARD_WASM_TOOLS:-$target_dir/wasm-tools}"

version=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' "$root/Cargo.lock")
if [[ -z $version ]]; then
  echo "build.sh: no wasm-bindgen crate in Cargo.lock" >&2
  exit 1
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

bindgen="$tools/bin/wasm-bindgen"
if [[ ! -x $bindgen ]] || [[ "$("$bindgen" --version)" != "wasm-bindgen $version" ]]; then
  echo "installing wasm-bindgen-cli $version into $tools"
  if ! cargo install --locked --force --root "$tools" wasm-bindgen-cli --version "$version"; then
    # Happens when a registry mirror lacks a version pinned by wasm-bindgen-cli's own lock file.
    echo "build.sh: 'cargo install --locked' failed; retrying with the newest compatible dependencies" >&2
    cargo install --force --root "$tools" wasm-bindgen-cli --version "$version"
  fi
fi

cargo build --locked -p kubeward-wasm --target wasm32-unknown-unknown --profile wasm-release
wasm="$target_dir/wasm32-unknown-unknown/wasm-release/kubeward_wasm.wasm"

rm -rf "$here/pkg" "$here/pkg-node"
# kubeward_wasm.js is wasm-bindgen's module; kubeward.js (from js/) guards its functions and
# replaces the instance after a panic, with the function wasm-bindgen generates for that.
for target in web nodejs; do
  out="$here/pkg"
  [[ $target == nodejs ]] && out="$here/pkg-node"
  "$bindgen" --target "$target" --experimental-reset-state-function --remove-name-section \
    --out-dir "$out" --out-name kubeward_wasm "$wasm"
  cp "$here/js/kubeward.d.ts" "$out/kubeward.d.ts"
done
cp "$here/js/kubeward.mjs" "$here/pkg/kubeward.js"
cp "$here/js/kubeward.cjs" "$here/pkg-node/kubeward.js"
printf 'export { default, initSync } from "./kubeward_wasm.js";\nexport type { InitInput, InitOutput, SyncInitInput } from "./kubeward_wasm.js";\n' >>"$here/pkg/kubeward.d.ts"

crate_version=$(awk -F'"' '/^version = /{ print $2; exit }' "$root/Cargo.toml")
package_json() { # type, entry key
  cat <<JSON
{
  "name": "kubeward-wasm",
  "version": "$crate_version",
  "description": "Find insecure Kubernetes workloads in manifests and Helm charts, in the browser and in Node",
  "license": "Apache-2.0",
  "repository": "https://github.com/kubeward/kubeward",
  $1
  "$2": "kubeward.js",
  "types": "kubeward.d.ts",
  "files": ["kubeward.js", "kubeward.d.ts", "kubeward_wasm.js", "kubeward_wasm.d.ts", "kubeward_wasm_bg.wasm", "kubeward_wasm_bg.wasm.d.ts"]
}
JSON
}
package_json '"type": "module",' module >"$here/pkg/package.json"
package_json '' main >"$here/pkg-node/package.json"
rm -f "$here/pkg/.gitignore" "$here/pkg-node/.gitignore"

size=$(wc -c <"$here/pkg/kubeward_wasm_bg.wasm")
gz=$(gzip -9 -c "$here/pkg/kubeward_wasm_bg.wasm" | wc -c)
echo "built pkg/ and pkg-node/: kubeward_wasm_bg.wasm is $size bytes, $gz bytes gzip -9"
