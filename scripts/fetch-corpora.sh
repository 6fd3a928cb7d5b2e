#!/usr/bin/env bash
# Fetch the context-recall benchmark corpora (real code nobody on this project wrote) into .corpora/ (git-ignored).
# npm packages: `npm pack` + untar. Debian packages: `apt-get download` + `dpkg -x` (no install, no root needed for that part).
# Usage: bash scripts/fetch-corpora.sh [name...]   (default: all). Re-running skips corpora already present.
# Twelve corpora (BENCHMARKS.md), and fp-ts (a thirteenth, functional-style TypeScript): TypeScript rxjs, zod, effect (functional style: files of 20,000+ lines whose modules
# import dozens of siblings; run on .corpora/effect/src); Python requests, flask, sympy (1,400+ files); Go cobra,
# golang.org/x/tools (hundreds of packages); Rust serde_json, tokio; Ruby rack; PHP league/commonmark.
# New corpora are pinned to a version (npm: name@version) so later figures stay comparable.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/.corpora"
mkdir -p "$out"
cd "$out"

NPM_PACKAGES=(rxjs zod effect@4.1.0 fp-ts@2.16.11)
DEB_PACKAGES=(python3-requests python3-flask python3-sympy golang-github-spf13-cobra-dev golang-golang-x-tools-dev
  librust-serde-json-dev librust-tokio-dev ruby-rack php-league-commonmark)

want() { [ $# -eq 0 ] && return 0; local n; for n in "${SELECTED[@]}"; do [ "$n" = "$1" ] && return 0; done; return 1; }
SELECTED=("$@")

for spec in "${NPM_PACKAGES[@]}"; do
  pkg="${spec%@*}"
  if [ ${#SELECTED[@]} -gt 0 ] && ! want "$pkg"; then continue; fi
  if [ -d "$out/$pkg" ]; then echo "$pkg: present"; continue; fi
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack "$spec" --silent >/dev/null)
  mkdir -p "$out/$pkg"
  tar -xzf "$tmp"/*.tgz -C "$out/$pkg" --strip-components=1
  rm -rf "$tmp"
  echo "$pkg: $(find "$out/$pkg" -type f | wc -l) files"
done

# zod as its repository lays it out (packages/zod: package.json beside src/), without the build outputs the npm package
# adds beside them (index.js, index.d.cts, v4/**/*.js, ...), which a checkout git-ignores: its tests import the package
# by its own name (`from "zod"`), resolved through that package.json. `.corpora/zod/src` stays the comparable figure.
if { [ ${#SELECTED[@]} -eq 0 ] || want zod-repo; } && [ ! -d "$out/zod-repo" ]; then
  [ -d "$out/zod" ] || bash "$0" zod
  mkdir -p "$out/zod-repo"
  cp "$out/zod/package.json" "$out/zod-repo/package.json"
  cp -R "$out/zod/src" "$out/zod-repo/src"
  echo "zod-repo: $(find "$out/zod-repo" -type f | wc -l) files"
elif [ -d "$out/zod-repo" ]; then echo "zod-repo: present"; fi

debs_needed=()
for pkg in "${DEB_PACKAGES[@]}"; do
  if [ ${#SELECTED[@]} -gt 0 ] && ! want "$pkg"; then continue; fi
  if [ -d "$out/$pkg" ]; then echo "$pkg: present"; continue; fi
  debs_needed+=("$pkg")
done
if [ ${#debs_needed[@]} -gt 0 ]; then
  tmp="$(mktemp -d)"
  if ! (cd "$tmp" && apt-get download "${debs_needed[@]}" >/dev/null 2>&1); then
    echo "apt-get download failed; run 'apt-get update' (as root) first" >&2
    (cd "$tmp" && apt-get download "${debs_needed[@]}")
  fi
  for pkg in "${debs_needed[@]}"; do
    deb="$(ls "$tmp"/"${pkg}"_*.deb | head -n1)"
    mkdir -p "$out/$pkg"
    dpkg -x "$deb" "$out/$pkg"
    # Debian ships docs/changelogs beside the code; only the code matters here.
    rm -rf "$out/$pkg/usr/share/doc" "$out/$pkg/usr/share/lintian"
    echo "$pkg: $(find "$out/$pkg" -type f | wc -l) files"
  done
  rm -rf "$tmp"
fi
