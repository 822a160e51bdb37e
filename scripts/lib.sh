# shellcheck shell=bash
# Shared settings for the hy300 build and test scripts. Sourced, not run.

set -euo pipefail

HY300_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export HY300_ROOT

# The kernel series this project targets. One place; everything follows it.
KERNEL_SERIES=${KERNEL_SERIES:-7.3}
# shellcheck disable=SC2034 # used by the scripts that source this file
BINDGEN_VERSION=0.72.1
# The debug kernel (FLAVOR=debug) is built with LLVM: with GCC, KASAN and
# Rust exclude each other; with clang, rustc instruments the Rust code too.
# Debian 12's clang-19, lld-19 and llvm-19 (scripts/install-deps).
# shellcheck disable=SC2034
DEBUG_LLVM=-19
# dtschema (dt-doc-validate, dt-validate) from PyPI, in its own venv.
# shellcheck disable=SC2034
DTSCHEMA_VERSION=2026.9

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
# bindgen's libclang: Debian's libclang1-19 (with clang-19; 7.3 needs >= 17).
export LIBCLANG_PATH=/usr/lib/llvm$DEBUG_LLVM/lib
# shellcheck disable=SC2034
DTSCHEMA_BIN=$TOOLS_DIR/dtschema/bin

# print_usage SCRIPT: the script's header comment (line 2 up to the first
# "# shellcheck" line), for --help.
print_usage() { sed -n '2,/^# shellcheck/{/^# shellcheck/d;s/^# \{0,1\}//;p}' "$1"; }

log() { printf '[hy300] %s\n' "$*" >&2; }
die() { printf '[hy300] error: %s\n' "$*" >&2; exit 1; }

# fmt_elapsed SECONDS: e.g. 1m30s.
fmt_elapsed() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# with_progress LABEL DETAIL CMD...: runs CMD (a command or function, its
# own redirections inside it) and, while it runs, logs
# "LABEL: <elapsed> elapsed, <phase>" on stderr every
# HY300_PROGRESS_INTERVAL seconds (default 30), as make does for kernel
# developers. DETAIL is a command printing the current phase (: for none).
# Returns CMD's status.
with_progress() {
	local label=$1 detail=$2 pid ticker status=0
	shift 2
	# (bash runs the caller's EXIT trap in an async subshell that errexit
	# ends: a cleanup trap would remove the caller's files mid-run)
	{
		trap - EXIT
		"$@"
	} &
	pid=$!
	progress_ticker "$label" "$detail" &
	ticker=$!
	wait "$pid" || status=$?
	kill "$ticker"
	# The ticker's status (killed: 128 + signal) is no verdict.
	wait "$ticker" || [ $? -ge 128 ]
	return "$status"
}

progress_ticker() {
	local label=$1 detail=$2 start n=0 phase
	start=$(date +%s)
	while sleep 1; do
		n=$((n + 1))
		[ $((n % ${HY300_PROGRESS_INTERVAL:-30})) -eq 0 ] || continue
		phase=$("$detail") || phase="(phase unknown)"
		log "$label: $(fmt_elapsed $(($(date +%s) - start))) elapsed${phase:+, $phase}"
	done
}

# run_logged LABEL LOG CMD...: runs CMD with its output (stdout and stderr)
# in the file LOG, with with_progress's line every 30 s (the phase: LOG's
# last line). On failure, LOG's last 30 lines go to stderr before the
# status is returned: an install or download that fails says why. LOG is
# kept.
run_logged() {
	local label=$1 status=0
	run_logged_file=$2
	shift 2
	mkdir -p "$(dirname "$run_logged_file")"
	with_progress "$label" run_logged_phase run_logged_cmd "$@" || status=$?
	if [ "$status" -ne 0 ]; then
		log "$label failed (exit $status); the end of its output ($run_logged_file):"
		tail -n 30 "$run_logged_file" | sed 's/^/  | /' >&2
	fi
	return "$status"
}
run_logged_cmd() { "$@" >"$run_logged_file" 2>&1; }
run_logged_phase() { awk 'NF { l = $0 } END { print substr(l, 1, 100) }' "$run_logged_file"; }

# Make arguments shared by every kernel and module build.
kmake_args() {
	printf '%s\n' "RUSTC=$KERNEL_RUSTC" "RUSTDOC=/usr/bin/rustdoc" "HOSTRUSTC=$KERNEL_RUSTC" \
		"BINDGEN=$BINDGEN"
	kernel_uses_llvm && printf '%s\n' "LLVM=$DEBUG_LLVM"
	return 0
}

# The debug flavor is built with clang/lld (KASAN over Rust needs it).
kernel_uses_llvm() {
	[ "${FLAVOR:-test}" = debug ]
}

# Source tree of the unpacked kernel (set by scripts/kernel fetch).
kernel_src_dir() {
	local d
	d=$(cat "$SRC_DIR/current" 2>/dev/null) || return 1
	[ -d "$d" ] || return 1
	printf '%s\n' "$d"
}

# The test kernel's build directory (KDIR), computed here and nowhere else:
# scripts/kernel builds into it, and every script that builds modules or
# boots a guest asks kernel_build_dir for it. It is keyed by (kernel version,
# config fragment hash, rustc, bindgen and gcc versions) for ARCH (x86_64 or
# arm64, default x86_64) and FLAVOR (test or debug, default test).
kernel_fragments() {
	local arch=${ARCH:-x86_64} flavor=${FLAVOR:-test}
	printf '%s\n' "$HY300_ROOT/tests/config/qemu-$arch.config"
	[ "$flavor" = test ] || printf '%s\n' "$HY300_ROOT/tests/config/$flavor.config"
}

kernel_cache_key() {
	local arch=${ARCH:-x86_64} flavor=${FLAVOR:-test} src kver flavor_tag=""
	local -a fragments
	[ "$flavor" = test ] || flavor_tag="$flavor-"
	src=$(kernel_src_dir) || die "no kernel source; run scripts/kernel fetch"
	if kernel_uses_llvm && ! command -v "clang$DEBUG_LLVM" >/dev/null; then
		die "the $flavor kernel is built with LLVM=$DEBUG_LLVM: clang$DEBUG_LLVM is missing (scripts/install-deps installs clang-19 lld-19 llvm-19)"
	fi
	mapfile -t fragments < <(kernel_fragments)
	kver=$(make -s -C "$src" kernelversion)
	{
		echo "kernel $kver $(basename "$(dirname "$src")")"
		echo "arch $arch"
		[ "$flavor" = test ] || echo "flavor $flavor"
		cat "${fragments[@]}" | sha256sum
		"$KERNEL_RUSTC" --version
		"$BINDGEN" --version
		if kernel_uses_llvm; then
			"clang$DEBUG_LLVM" --version | head -n1
			"ld.lld$DEBUG_LLVM" --version | head -n1
		else
			gcc --version | head -n1
			[ "$arch" = x86_64 ] || aarch64-linux-gnu-gcc --version | head -n1
		fi
	} | sha256sum | cut -c1-16 | sed "s/^/$kver-$arch-$flavor_tag/"
}

kernel_build_dir() {
	local key
	key=$(kernel_cache_key) || return 1
	printf '%s\n' "$HY300_CACHE/build/$key"
}

# with_lock NAME CMD...: runs CMD while holding an exclusive flock on
# $HY300_CACHE/locks/NAME, so two runs (scripts/test, scripts/demo,
# scripts/bench) never build or fetch into the same cache entry at
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
