# shellcheck shell=bash
# Shared settings for the hy300 build and test scripts. Sourced, not run.

set -euo pipefail

HY300_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export HY300_ROOT

# The kernel series this project targets. One place; everything follows it.
KERNEL_SERIES=${KERNEL_SERIES:-7.3}
BINDGEN_VERSION=0.72.1
LIBCLANG_WHEEL_VERSION=18.1.1

# Everything built or downloaded lives outside the repository.
HY300_CACHE=${HY300_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hy300}
export HY300_CACHE
TOOLS_DIR=$HY300_CACHE/tools
SRC_DIR=$HY300_CACHE/src

export RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc HOSTRUSTC=/usr/bin/rustc
export BINDGEN=$TOOLS_DIR/bindgen/bin/bindgen
export LIBCLANG_PATH=$TOOLS_DIR/libclang/clang/native
export PATH=$TOOLS_DIR/bindgen/bin:$PATH

log() { printf '[hy300] %s\n' "$*" >&2; }
die() { printf '[hy300] error: %s\n' "$*" >&2; exit 1; }

# Make arguments shared by every kernel and module build.
kmake_args() {
	printf '%s\n' "RUSTC=$RUSTC" "RUSTDOC=$RUSTDOC" "HOSTRUSTC=$HOSTRUSTC" \
		"BINDGEN=$BINDGEN" "CC=gcc"
}

# Source tree of the unpacked kernel (set by scripts/kernel fetch).
kernel_src_dir() {
	local d
	d=$(cat "$SRC_DIR/current" 2>/dev/null) || return 1
	[ -d "$d" ] || return 1
	printf '%s\n' "$d"
}
