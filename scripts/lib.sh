# shellcheck shell=bash
# Shared settings for the hy300 build and test scripts. Sourced, not run.

set -euo pipefail

HY300_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export HY300_ROOT

# The kernel series this project targets. One place; everything follows it.
KERNEL_SERIES=${KERNEL_SERIES:-7.3}
# shellcheck disable=SC2034 # used by the scripts that source this file
BINDGEN_VERSION=0.72.1
# shellcheck disable=SC2034
LIBCLANG_WHEEL_VERSION=18.1.1
# The debug kernel (FLAVOR=debug) is built with LLVM: with GCC, KASAN and
# Rust exclude each other; with clang, rustc instruments the Rust code too.
# Debian 12's clang-19, lld-19 and llvm-19 (scripts/install-deps).
# shellcheck disable=SC2034
DEBUG_LLVM=-19

# Everything built or downloaded lives outside the repository.
HY300_CACHE=${HY300_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hy300}
export HY300_CACHE
TOOLS_DIR=$HY300_CACHE/tools
SRC_DIR=$HY300_CACHE/src

# The kernel is built with Debian's rustc-web (it ships the library source
# the kernel needs); host crates keep using the machine's cargo toolchain, so
# these are passed to the kernel's make only, never exported as RUSTC.
KERNEL_RUSTC=/usr/bin/rustc
BINDGEN=$TOOLS_DIR/bindgen/bin/bindgen
export LIBCLANG_PATH=$TOOLS_DIR/libclang/clang/native

# print_usage SCRIPT: the script's header comment (line 2 up to the first
# "# shellcheck" line), for --help.
print_usage() { sed -n '2,/^# shellcheck/{/^# shellcheck/d;s/^# \{0,1\}//;p}' "$1"; }

log() { printf '[hy300] %s\n' "$*" >&2; }
die() { printf '[hy300] error: %s\n' "$*" >&2; exit 1; }

# Make arguments shared by every kernel and module build.
kmake_args() {
	printf '%s\n' "RUSTC=$KERNEL_RUSTC" "RUSTDOC=/usr/bin/rustdoc" "HOSTRUSTC=$KERNEL_RUSTC" \
		"BINDGEN=$BINDGEN"
}

# Source tree of the unpacked kernel (set by scripts/kernel fetch).
kernel_src_dir() {
	local d
	d=$(cat "$SRC_DIR/current" 2>/dev/null) || return 1
	[ -d "$d" ] || return 1
	printf '%s\n' "$d"
}

# with_lock NAME CMD...: runs CMD while holding an exclusive flock on
# $HY300_CACHE/locks/NAME, so two runs (scripts/test, scripts/demo,
# scripts/bench, DKMS) never build or fetch into the same cache entry at
# once. Says so when it has to wait. CMD runs in a subshell.
with_lock() {
	local lock=$HY300_CACHE/locks/$1
	shift
	mkdir -p "$HY300_CACHE/locks"
	(
		exec 9>"$lock"
		if ! flock -n 9; then
			log "waiting for $lock: another run holds it"
			flock 9
			log "got $lock"
		fi
		"$@"
	)
}
