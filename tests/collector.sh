#!/usr/bin/env bash
# Host tests of tools/monitoring/hy300-textfile-collector, no guest needed:
# the collector reads a fake /sys/class/hy300 tree (HY300_SYSFS) in a temp
# directory and every case checks the hy300.prom it leaves behind.
#
#   tests/collector.sh [CASE...]   (default: all cases; names: see the end)
#
# Exit 0: all passed; 77: the rest passed but a case was skipped (a line
# starting with "SKIP " says why); anything else: a failure (lines "FAIL:").
#
# Failure paths (run under /bin/sh and, when installed, busybox sh as in the
# guest): the default directory (Debian's first, in a mount namespace), a
# merged file that fails validation (promtool, or the own check without
# it), unreadable device file, invalid exposition text, missing devices,
# missing target directory, full target directory (blocks and inodes, on a
# small tmpfs), killed in the middle of a run; the old hy300.prom is replaced
# by rename only (a hard link to it keeps its old bytes). Scrape path:
# Debian's prometheus-node-exporter is scraped 500 times while the collector
# rewrites the file at least 500 times; no scrape may see a parse error or a
# partial file. The same check is then run against a copy of the collector
# mutated (sed) to write hy300.prom in place, and must catch it.
# HY300_COLLECTOR=PATH tests another copy of the collector.
set -euo pipefail
cd "$(dirname "$0")/.."

COLLECTOR=${HY300_COLLECTOR:-$PWD/tools/monitoring/hy300-textfile-collector}
SCRAPES=500
REWRITES=500
MUTANT_SCRAPES=100

work=$(mktemp -d "${TMPDIR:-/tmp}/hy300-collector.XXXXXX")
# Background processes started here: one file per PID in $work/pids, removed
# once the process is reaped (so a recycled PID is never signalled).
mkdir "$work/pids"
: >"$work/mounts"
cleanup() {
	local f pid m i
	for f in "$work"/pids/*; do
		[ -e "$f" ] || continue
		pid=${f##*/}
		if kill "$pid" 2>/dev/null; then
			for i in $(seq 50); do
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.1
				[ "$i" -lt 50 ] || kill -KILL "$pid" 2>/dev/null
			done
		fi
	done
	while read -r m; do
		if mountpoint -q "$m"; then umount "$m"; fi
	done <"$work/mounts"
	rm -rf "$work"
}
trap cleanup EXIT

fail() {
	printf 'FAIL: %s\n' "$*" >&2
	exit 1
}
ok() { printf '  ok: %s\n' "$*"; }

# --- fake device pages (small, valid exposition text) ---------------------

pages=$work/pages
mkdir "$pages"
cat >"$pages/mips" <<'EOF'
# HELP hy300_mips_firmware_loaded 1 if the MIPS co-processor firmware is loaded.
# TYPE hy300_mips_firmware_loaded gauge
hy300_mips_firmware_loaded 1
# HELP hy300_mips_firmware_size_bytes Size of the loaded firmware image.
# TYPE hy300_mips_firmware_size_bytes gauge
hy300_mips_firmware_size_bytes 1310720
# HELP hy300_mips_register_access_total Register accesses, reads and writes.
# TYPE hy300_mips_register_access_total counter
hy300_mips_register_access_total{register="cmd"} 15
hy300_mips_register_access_total{register="status"} 12
# HELP hy300_mips_firmware_load_duration_seconds Time taken by firmware loads.
# TYPE hy300_mips_firmware_load_duration_seconds histogram
hy300_mips_firmware_load_duration_seconds_bucket{le="0.01"} 0
hy300_mips_firmware_load_duration_seconds_bucket{le="0.1"} 1
hy300_mips_firmware_load_duration_seconds_bucket{le="+Inf"} 1
hy300_mips_firmware_load_duration_seconds_sum 0.042
hy300_mips_firmware_load_duration_seconds_count 1
# HELP hy300_metrics_truncated_total Reads cut short to fit a page.
# TYPE hy300_metrics_truncated_total counter
hy300_metrics_truncated_total{device="mips",file="metrics"} 0
EOF
cat >"$pages/tvcap" <<'EOF'
# HELP hy300_tvcap_frames_captured_total Frames captured.
# TYPE hy300_tvcap_frames_captured_total counter
hy300_tvcap_frames_captured_total 1234
# HELP hy300_tvcap_capture_errors_total Capture errors by kind.
# TYPE hy300_tvcap_capture_errors_total counter
hy300_tvcap_capture_errors_total{kind="dma"} 0
hy300_tvcap_capture_errors_total{kind="overflow"} 2
# HELP hy300_tvcap_buffers_allocated Capture buffers allocated.
# TYPE hy300_tvcap_buffers_allocated gauge
hy300_tvcap_buffers_allocated 4
# HELP hy300_metrics_truncated_total Reads cut short to fit a page.
# TYPE hy300_metrics_truncated_total counter
hy300_metrics_truncated_total{device="tvcap",file="metrics"} 3
EOF
cat >"$pages/motor" <<'EOF'
# HELP hy300_motor_position_steps Current position of the keystone motor.
# TYPE hy300_motor_position_steps gauge
hy300_motor_position_steps 77
# HELP hy300_motor_homed 1 if the motor position is known.
# TYPE hy300_motor_homed gauge
hy300_motor_homed 1
# HELP hy300_motor_steps_total Steps moved by direction.
# TYPE hy300_motor_steps_total counter
hy300_motor_steps_total{direction="forward"} 277
hy300_motor_steps_total{direction="backward"} 200
# HELP hy300_metrics_truncated_total Reads cut short to fit a page.
# TYPE hy300_metrics_truncated_total counter
hy300_metrics_truncated_total{device="motor",file="metrics"} 0
EOF
cat >"$pages/extra" <<'EOF'
# HELP hy300_extra_ready 1 when the extra device is ready.
# TYPE hy300_extra_ready gauge
hy300_extra_ready 1
EOF

# new_sysfs DIR DEV...: a fake class directory with the good page of each DEV.
new_sysfs() {
	local dir=$1 dev
	shift
	mkdir -p "$dir"
	for dev in "$@"; do
		mkdir "$dir/$dev"
		cp "$pages/$dev" "$dir/$dev/metrics"
	done
}

# expected DEV=STATE...: the hy300.prom the collector must write, with the
# timestamp value as TS. STATE: ok (page published), absent (module not
# loaded: up 0, error 0), bad (up 0, error 1). Devices in the collector's
# order: mips tvcap motor, then the others by name. The self-metric that
# ends each device page is published once, all devices' samples together.
expected() {
	local spec dev state up="" err="" truncated=""
	for spec in "$@"; do
		dev=${spec%%=*} state=${spec#*=}
		case $state in
		ok)
			sed '/hy300_metrics_truncated_total/d' "$pages/$dev"
			truncated+=$(sed -n 's/^hy300_metrics_truncated_total{/\\nhy300_metrics_truncated_total{/p' "$pages/$dev")
			up+=$'\n'"hy300_up{device=\"$dev\"} 1"
			err+=$'\n'"hy300_textfile_read_error{device=\"$dev\"} 0"
			;;
		absent)
			up+=$'\n'"hy300_up{device=\"$dev\"} 0"
			err+=$'\n'"hy300_textfile_read_error{device=\"$dev\"} 0"
			;;
		bad)
			up+=$'\n'"hy300_up{device=\"$dev\"} 0"
			err+=$'\n'"hy300_textfile_read_error{device=\"$dev\"} 1"
			;;
		*) fail "expected: bad state in '$spec'" ;;
		esac
	done
	if [ -n "$truncated" ]; then
		printf '%s\n' \
			"# HELP hy300_metrics_truncated_total Reads cut short to fit a page." \
			"# TYPE hy300_metrics_truncated_total counter$(printf '%b' "$truncated")"
	fi
	printf '%s\n' \
		"# HELP hy300_up 1 if the device's metrics were read in the last run." \
		"# TYPE hy300_up gauge$up" \
		"# HELP hy300_textfile_read_error 1 if the device's metrics file existed but could not be read or parsed." \
		"# TYPE hy300_textfile_read_error gauge$err" \
		"# HELP hy300_textfile_last_success_timestamp_seconds When the collector last published hy300.prom." \
		"# TYPE hy300_textfile_last_success_timestamp_seconds gauge" \
		"hy300_textfile_last_success_timestamp_seconds TS"
}

# collect SYSFS ARGS...: runs the collector under $SH; sets rc, t0, t1;
# stderr in $errf.
errf=$work/stderr
collect() {
	local sysfs=$1
	shift
	t0=$(date +%s)
	rc=0
	HY300_SYSFS=$sysfs "${SH[@]}" "$COLLECTOR" "$@" 2>"$errf" || rc=$?
	t1=$(date +%s)
}

must_succeed() {
	[ "$rc" -eq 0 ] || fail "collector exited $rc: $(cat "$errf")"
	[ ! -s "$errf" ] || fail "collector succeeded but wrote to stderr: $(cat "$errf")"
}

must_fail() {
	[ "$rc" -ne 0 ] || fail "collector exited 0 ($1)"
	grep -q '^hy300-textfile-collector: ' "$errf" ||
		fail "collector exited $rc without a message of its own ($1): $(cat "$errf")"
	ok "exits $rc ($1): $(grep '^hy300-textfile-collector: ' "$errf" | tail -n 1)"
}

# check_prom FILE DEV=STATE...: FILE is exactly the expected text and its
# timestamp lies within the last collector run.
check_prom() {
	local file=$1 ts
	shift
	[ -f "$file" ] || fail "$file was not written"
	expected "$@" >"$work/want"
	ts=$(sed -n 's/^hy300_textfile_last_success_timestamp_seconds \([0-9][0-9]*\)$/\1/p' "$file")
	[ -n "$ts" ] || fail "$file: no integer hy300_textfile_last_success_timestamp_seconds sample"
	if [ "$ts" -lt "$t0" ] || [ "$ts" -gt "$t1" ]; then
		fail "$file: timestamp $ts outside the run ($t0..$t1)"
	fi
	sed 's/^\(hy300_textfile_last_success_timestamp_seconds\) [0-9]*$/\1 TS/' "$file" >"$work/got"
	diff -u "$work/want" "$work/got" >&2 || fail "$file is not the expected text (diff above: - expected, + written)"
	[ "$(stat -c %a "$file")" = 644 ] || fail "$file has mode $(stat -c %a "$file"), not 644"
	ok "hy300.prom exact: $*"
}

# only_files DIR NAME...: DIR holds exactly these entries (no temp files).
only_files() {
	local dir=$1 got want
	shift
	got=$(find "$dir" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | tr '\n' ' ')
	want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
	[ "$got" = "$want" ] || fail "$dir holds '$got', expected '$want' (temp files left behind?)"
}

# --- cases -----------------------------------------------------------------

case_all_good() {
	local d=$base/all-good
	new_sysfs "$d/sys" mips tvcap motor extra
	mkdir "$d/out"
	collect "$d/sys" "$d/out"
	must_succeed
	check_prom "$d/out/hy300.prom" mips=ok tvcap=ok motor=ok extra=ok
	only_files "$d/out" hy300.prom
	promtool check metrics <"$d/out/hy300.prom" >&2 || fail "promtool rejects the collector's output"
	ok "promtool check metrics accepts it"
}

case_unreadable() {
	local d=$base/unreadable
	# A directory where the metrics file should be: it exists, and cat fails
	# on it (EISDIR from read(2)) even for root, which chmod 000 does not
	# stop; a FIFO would block cat instead of failing.
	new_sysfs "$d/sys" mips tvcap motor
	rm "$d/sys/motor/metrics"
	mkdir "$d/sys/motor/metrics"
	if cat "$d/sys/motor/metrics" >/dev/null 2>&1; then fail "cat of a directory succeeded: the case proves nothing"; fi
	mkdir "$d/out"
	collect "$d/sys" "$d/out"
	must_succeed
	check_prom "$d/out/hy300.prom" mips=ok tvcap=ok motor=bad
	only_files "$d/out" hy300.prom
}

case_invalid_text() {
	local d=$base/invalid
	new_sysfs "$d/sys" mips tvcap motor
	# mips: missing final newline; tvcap: a line that is not exposition text;
	# empty: an empty page; stamped: a sample with a timestamp.
	head -c -1 "$pages/mips" >"$d/sys/mips/metrics"
	sed -i '4a this is not exposition text' "$d/sys/tvcap/metrics"
	mkdir "$d/sys/empty" "$d/sys/stamped"
	: >"$d/sys/empty/metrics"
	printf '# TYPE hy300_stamped gauge\nhy300_stamped 1 1700000000000\n' >"$d/sys/stamped/metrics"
	mkdir "$d/out"
	collect "$d/sys" "$d/out"
	must_succeed
	check_prom "$d/out/hy300.prom" mips=bad tvcap=bad motor=ok empty=bad stamped=bad
	only_files "$d/out" hy300.prom
}

case_missing_device() {
	local d=$base/missing
	# motor's module not loaded: no directory at all; extra loaded but its
	# metrics file gone.
	new_sysfs "$d/sys" mips tvcap extra
	rm "$d/sys/extra/metrics"
	mkdir "$d/out"
	collect "$d/sys" "$d/out"
	must_succeed
	check_prom "$d/out/hy300.prom" mips=ok tvcap=ok motor=absent extra=absent
	# No class directory at all (hy300_class not loaded).
	collect "$d/no-such-class" "$d/out"
	must_succeed
	check_prom "$d/out/hy300.prom" mips=absent tvcap=absent motor=absent
	only_files "$d/out" hy300.prom
}

case_missing_target() {
	local d=$base/missing-target before after
	new_sysfs "$d/sys" mips tvcap motor
	mkdir "$d/cwd" "$d/tmp"
	: >"$d/not-a-dir"
	before=$(find "$d" -printf '%p %s %T@\n' | sort)
	cd "$d/cwd"
	export TMPDIR=$d/tmp
	collect "$d/sys" "$d/no-such-dir"
	must_fail "missing target directory"
	grep -qF "$d/no-such-dir" "$errf" || fail "the message does not name the target directory: $(cat "$errf")"
	collect "$d/sys" "$d/not-a-dir"
	must_fail "target is a regular file"
	after=$(find "$d" -printf '%p %s %T@\n' | sort)
	[ "$before" = "$after" ] || fail "the failed runs changed files: $(diff <(echo "$before") <(echo "$after"))"
	ok "nothing written anywhere (sysfs, cwd, TMPDIR unchanged)"
}

# mount_tmpfs DIR OPTIONS: a tmpfs for this test, or SKIP (exit 77).
mount_tmpfs() {
	local msg
	mkdir -p "$1"
	if ! msg=$(mount -t tmpfs -o "$2" hy300-test "$1" 2>&1); then
		echo "SKIP full target directory: mount -t tmpfs -o $2 refused: $msg"
		exit 77
	fi
	echo "$1" >>"$work/mounts"
}

# good_output DIR: DIR/sys with all three devices and a first successful
# run into DIR/out; keeps its file as DIR/old.prom and its inode in $ino,
# for kept_old after a failing run.
good_output() {
	new_sysfs "$1/sys" mips tvcap motor
	mkdir -p "$1/out"
	collect "$1/sys" "$1/out"
	must_succeed
	cp "$1/out/hy300.prom" "$1/old.prom"
	ino=$(stat -c %i "$1/out/hy300.prom")
}

# kept_old DIR OLD_COPY OLD_INODE WHAT [OTHER_FILE...]: after a failed run,
# DIR/hy300.prom is still the old file, byte-identical, same inode, and DIR
# holds no temp file.
kept_old() {
	local dir=$1 old=$2 ino=$3 what=$4
	shift 4
	cmp "$old" "$dir/hy300.prom" || fail "old hy300.prom changed after a failed run ($what)"
	[ "$(stat -c %i "$dir/hy300.prom")" = "$ino" ] || fail "old hy300.prom replaced after a failed run ($what)"
	only_files "$dir" hy300.prom "$@"
	ok "old hy300.prom intact, no temp files"
}

# A run that fails for want of space must exit non-zero with a message and
# keep the old file; a run that succeeds must have written the exact text.
check_full() {
	local mnt=$1 what=$2
	if [ "$rc" -eq 0 ]; then
		check_prom "$mnt/hy300.prom" mips=ok tvcap=ok motor=ok pad=ok
		only_files "$mnt" hy300.prom filler
		return
	fi
	must_fail "$what"
	kept_old "$mnt" "$work/old.prom" "$old_ino" "$what" filler
}

case_full_target() {
	local d=$base/full mnt=$base/full/mnt k free failures=0 succeeded=0 n pad=""
	new_sysfs "$d/sys" mips tvcap
	# pad: comment lines so that the device pages fill the temp file's first
	# 4 KiB page up to 300 bytes; the self-metrics then need a second page,
	# so a failure can hit every write: the device copy, an append of a
	# page, the self-metrics block.
	n=$(cat "$pages/mips" "$pages/tvcap" "$pages/motor" | wc -c)
	while [ $((n + ${#pad} + 61)) -le $((4096 - 300)) ]; do
		pad+="# $(printf '%058d' 0)"$'\n'
	done
	printf '%s' "$pad" >"$pages/pad"
	mkdir "$d/sys/pad"
	cp "$pages/pad" "$d/sys/pad/metrics"
	# The old file: motor absent.
	mkdir "$d/old"
	collect "$d/sys" "$d/old"
	must_succeed
	cp "$d/old/hy300.prom" "$work/old.prom"
	mkdir "$d/sys/motor"
	cp "$pages/motor" "$d/sys/motor/metrics"

	# Free space 0..4 pages.
	for k in 0 1 2 3 4; do
		mount_tmpfs "$mnt" size=64k,mode=0755
		cp "$work/old.prom" "$mnt/hy300.prom"
		old_ino=$(stat -c %i "$mnt/hy300.prom")
		free=$(stat -f -c %a "$mnt")
		[ "$free" -ge "$k" ] || fail "tmpfs has $free free pages, need $k"
		dd if=/dev/zero of="$mnt/filler" bs=4096 count=$((free - k)) status=none
		[ "$(stat -f -c %a "$mnt")" = "$k" ] || fail "could not leave exactly $k free pages ($(stat -f -c %a "$mnt"))"
		collect "$d/sys" "$mnt"
		check_full "$mnt" "$k free pages"
		if [ "$rc" -eq 0 ]; then succeeded=$((succeeded + 1)); else failures=$((failures + 1)); fi
		umount "$mnt"
	done
	[ "$failures" -ge 3 ] || fail "only $failures of the runs with 0..4 free pages failed: the case does not reach the writes"
	[ "$succeeded" -ge 1 ] || fail "no run succeeded even with 4 free pages"
	ok "$failures runs out of space failed cleanly, $succeeded succeeded"

	# Free inodes 0..3: no temp file at all, the data temp file but not the
	# device copy, those two but not the topic file copy, all three.
	failures=0 succeeded=0
	for k in 0 1 2 3; do
		mount_tmpfs "$mnt" size=64k,nr_inodes=8,mode=0755
		cp "$work/old.prom" "$mnt/hy300.prom"
		old_ino=$(stat -c %i "$mnt/hy300.prom")
		mkdir "$mnt/filler"
		n=0
		while [ "$(stat -f -c %d "$mnt")" -gt "$k" ]; do
			n=$((n + 1))
			: >"$mnt/filler/$n"
		done
		[ "$(stat -f -c %d "$mnt")" = "$k" ] || fail "could not leave exactly $k free inodes"
		collect "$d/sys" "$mnt"
		check_full "$mnt" "$k free inodes"
		if [ "$rc" -eq 0 ]; then succeeded=$((succeeded + 1)); else failures=$((failures + 1)); fi
		umount "$mnt"
	done
	if [ "$failures" -ne 3 ] || [ "$succeeded" -ne 1 ]; then
		fail "with 0, 1, 2, 3 free inodes: $failures failed, $succeeded succeeded (expected 3 and 1)"
	fi
	ok "out of inodes: the three temp-file creations fail cleanly"
}

# Topic files (issue 23): every family of a device's other Prometheus files
# that metrics lacks is published once; the shared families
# (hy300_metrics_truncated_total, hy300_build_info) are merged into one
# family each; one-value and write-only files are not read as pages.
case_topic_files() {
	local d=$base/topic dev out
	new_sysfs "$d/sys" mips motor
	for dev in mips motor; do
		{
			grep -v '^hy300_metrics_truncated_total\|^# .* hy300_metrics_truncated_total' "$pages/$dev"
			printf '# HELP hy300_%s_topic_only Only here.\n# TYPE hy300_%s_topic_only gauge\nhy300_%s_topic_only 7\n' "$dev" "$dev" "$dev"
			printf '# HELP hy300_metrics_truncated_total Reads cut short to fit a page.\n# TYPE hy300_metrics_truncated_total counter\nhy300_metrics_truncated_total{device="%s",file="topic"} 0\n' "$dev"
		} >"$d/sys/$dev/topic"
		printf '# HELP hy300_build_info Driver build: 1, labelled with the device, its driver and the hy300 release.\n# TYPE hy300_build_info gauge\nhy300_build_info{device="%s",driver="d",version="0.1.0"} 1\n' "$dev" >"$d/sys/$dev/build_info"
		echo 1 >"$d/sys/$dev/value"
		printf '# HELP hy300_%s_secret S.\n' "$dev" >"$d/sys/$dev/control"
		chmod 444 "$d/sys/$dev/topic" "$d/sys/$dev/build_info" "$d/sys/$dev/value"
		chmod 200 "$d/sys/$dev/control"
	done
	mkdir "$d/out"
	collect "$d/sys" "$d/out"
	must_succeed
	out=$d/out/hy300.prom
	promtool check metrics <"$out" >&2 || [ $? -eq 3 ] || fail "promtool rejects the collector's output"
	for dev in mips motor; do
		[ "$(grep -c "^hy300_${dev}_topic_only 7\$" "$out")" = 1 ] || fail "hy300_${dev}_topic_only not published once"
		grep -q "^hy300_metrics_truncated_total{device=\"$dev\",file=\"topic\"} 0\$" "$out" || fail "the topic file's truncation count of $dev is lost"
		grep -q "^hy300_build_info{device=\"$dev\"," "$out" || fail "hy300_build_info of $dev not published"
		! grep -q "hy300_${dev}_secret" "$out" || fail "a write-only file was read"
	done
	[ "$(grep -c '^# HELP hy300_build_info ' "$out")" = 1 ] || fail "hy300_build_info not declared exactly once"
	[ "$(grep -c '^# TYPE hy300_mips_firmware_loaded ' "$out")" = 1 ] || fail "a family of metrics and a topic file declared twice"
	ok "topic-only families published once, build_info and truncation counts merged, other files not read"
}

case_rename() {
	local d=$base/rename ino1 ino2
	new_sysfs "$d/sys" mips tvcap
	mkdir "$d/out"
	collect "$d/sys" "$d/out"
	must_succeed
	cp "$d/out/hy300.prom" "$d/first.prom"
	ln "$d/out/hy300.prom" "$d/old-link"
	ino1=$(stat -c %i "$d/out/hy300.prom")
	mkdir "$d/sys/motor"
	cp "$pages/motor" "$d/sys/motor/metrics"
	collect "$d/sys" "$d/out"
	must_succeed
	check_prom "$d/out/hy300.prom" mips=ok tvcap=ok motor=ok
	ino2=$(stat -c %i "$d/out/hy300.prom")
	[ "$ino1" != "$ino2" ] || fail "hy300.prom kept inode $ino1: it was rewritten in place, not renamed over"
	cmp "$d/first.prom" "$d/old-link" || fail "the old inode's bytes changed: a reader holding it open saw a rewrite"
	[ "$(stat -c %h "$d/out/hy300.prom")" = 1 ] || fail "new hy300.prom has extra links"
	only_files "$d/out" hy300.prom
	ok "replaced by rename: new inode, old inode's content untouched"
}

case_killed() {
	local d=$base/killed pid i
	good_output "$d"
	# A read that blocks (a FIFO without a writer stands in for a hung
	# driver); then what systemd does on stop or timeout: SIGTERM to the
	# whole group.
	rm "$d/sys/tvcap/metrics"
	mkfifo "$d/sys/tvcap/metrics"
	HY300_SYSFS=$d/sys setsid "${SH[@]}" "$COLLECTOR" "$d/out" 2>"$errf" &
	pid=$! killed_group=$!
	: >"$work/pids/$pid"
	# On a failure below, nothing of the group may stay blocked on the FIFO.
	trap 'if [ -e "$work/pids/$killed_group" ]; then kill -KILL -- "-$killed_group"; fi' EXIT
	for i in $(seq 100); do
		[ "$(find "$d/out" -name '.hy300*' | wc -l)" -lt 2 ] || break
		[ "$i" -lt 100 ] || fail "the collector did not reach the device reads"
		sleep 0.05
	done
	sleep 0.2
	kill -TERM -- "-$pid" || fail "no process group $pid to signal"
	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		if [ "$i" -eq 100 ]; then
			kill -KILL -- "-$pid"
			fail "the collector did not exit within 5 s of SIGTERM"
		fi
		sleep 0.05
	done
	rc=0
	wait "$pid" || rc=$?
	rm "$work/pids/$pid"
	[ "$rc" -ne 0 ] || fail "the collector exited 0 after SIGTERM"
	cmp "$d/old.prom" "$d/out/hy300.prom" || fail "old hy300.prom changed by a killed run"
	only_files "$d/out" hy300.prom
	ok "SIGTERM mid-run: exit $rc, old hy300.prom intact, no temp files"
}

# No OUTDIR argument: the collector picks Debian's directory
# (/var/lib/prometheus/node-exporter, which Debian's node_exporter reads)
# before the upstream /var/lib/node_exporter/textfile_collector, and fails
# naming both when neither exists. Run in a private mount namespace with a
# tmpfs over /var/lib, so the machine's directories are never written.
case_default_dir() {
	local d=$base/default-dir layout
	new_sysfs "$d/sys" mips tvcap motor
	for layout in debian upstream both none; do
		rc=0
		t0=$(date +%s)
		# shellcheck disable=SC2016 # expanded by the inner shell
		LAYOUT=$layout HY300_SYSFS=$d/sys unshare --mount --propagation private "${SH[@]}" -c '
			mount -t tmpfs hy300-test /var/lib || exit 90
			case $LAYOUT in debian | both) mkdir -p /var/lib/prometheus/node-exporter ;; esac
			case $LAYOUT in upstream | both) mkdir -p /var/lib/node_exporter/textfile_collector ;; esac
			"$0" || exit
			# what each directory holds afterwards, for the host to check
			find /var/lib -type f | sort
		' "$COLLECTOR" >"$d/files" 2>"$errf" || rc=$?
		t1=$(date +%s)
		[ "$rc" -ne 90 ] || fail "cannot mount a tmpfs over /var/lib in a mount namespace: $(cat "$errf")"
		case $layout in
		debian | both) want=/var/lib/prometheus/node-exporter/hy300.prom ;;
		upstream) want=/var/lib/node_exporter/textfile_collector/hy300.prom ;;
		none)
			must_fail "no textfile directory"
			grep -qF '/var/lib/prometheus/node-exporter /var/lib/node_exporter/textfile_collector' "$errf" ||
				fail "the message does not name both directories: $(cat "$errf")"
			continue
			;;
		esac
		must_succeed
		[ "$(cat "$d/files")" = "$want" ] || fail "layout $layout: wrote $(tr '\n' ' ' <"$d/files"), expected $want"
		ok "layout $layout: no argument writes $want"
	done
	[ ! -e /var/lib/prometheus/node-exporter/hy300.prom ] || fail "the machine's Debian directory was written"
}

# The merged file is validated before the rename: two devices declaring the
# same family each pass the per-device check, but node_exporter would
# reject the whole file; it must not be published (old hy300.prom kept),
# with promtool on PATH and with the collector's own check without it.
case_merged_invalid() {
	local d=$base/merged ino tool shell
	shell=$(command -v "${SH[0]}")
	good_output "$d"
	mkdir "$d/bin"
	mkdir "$d/sys/zz-copy"
	cp "$pages/motor" "$d/sys/zz-copy/metrics"
	command -v promtool >/dev/null || fail "promtool is not installed"
	collect "$d/sys" "$d/out"
	must_fail "a family declared twice, promtool"
	grep -q 'promtool rejects' "$errf" || fail "not rejected by promtool: $(cat "$errf")"
	kept_old "$d/out" "$d/old.prom" "$ino" "a family declared twice, promtool"
	# Without promtool: PATH holds only the tools the collector uses.
	for tool in mktemp cat tail grep date chmod sync mv rm cut sort uniq head tr; do
		ln -sf "$(command -v "$tool")" "$d/bin/$tool"
	done
	rc=0
	PATH=$d/bin HY300_SYSFS=$d/sys "$shell" "${SH[@]:1}" "$COLLECTOR" "$d/out" 2>"$errf" || rc=$?
	must_fail "a family declared twice, own check"
	grep -q 'declares .* twice' "$errf" || fail "not rejected by the own check: $(cat "$errf")"
	kept_old "$d/out" "$d/old.prom" "$ino" "a family declared twice, own check"
	# And the own check passes a good merged file.
	rm -r "$d/sys/zz-copy"
	rc=0
	t0=$(date +%s)
	PATH=$d/bin HY300_SYSFS=$d/sys "$shell" "${SH[@]:1}" "$COLLECTOR" "$d/out" 2>"$errf" || rc=$?
	t1=$(date +%s)
	must_succeed
	check_prom "$d/out/hy300.prom" mips=ok tvcap=ok motor=ok
}

# Failing tools (PATH shims; /bin/sh only: busybox sh runs its own applets
# first): a failed chmod, fsync, rename, date or mktemp fails the run and
# keeps the old file; grep failing (status 2) is not "no bad line found".
case_tool_failures() {
	local d=$base/tools tool ino
	good_output "$d"
	mkdir "$d/bin"
	for tool in chmod sync mv date mktemp grep; do
		printf '#!/bin/sh\necho "%s: simulated failure" >&2\nexit %s\n' "$tool" "$([ "$tool" = grep ] && echo 2 || echo 1)" >"$d/bin/$tool"
		chmod +x "$d/bin/$tool"
		rc=0
		t0=$(date +%s)
		PATH=$d/bin:$PATH HY300_SYSFS=$d/sys "${SH[@]}" "$COLLECTOR" "$d/out" 2>"$errf" || rc=$?
		t1=$(date +%s)
		rm "$d/bin/$tool"
		if [ "$tool" = grep ]; then
			[ "$rc" -eq 0 ] || fail "collector exited $rc with a failing grep: $(cat "$errf")"
			check_prom "$d/out/hy300.prom" mips=bad tvcap=bad motor=bad
			continue
		fi
		must_fail "$tool fails"
		kept_old "$d/out" "$d/old.prom" "$ino" "$tool fails"
	done
}

# --- scrape path -------------------------------------------------------------

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# scrape_check COLLECTOR DIR URL WANT SCRAPES MIN_REWRITES: scrapes URL
# SCRAPES times while COLLECTOR rewrites DIR/hy300.prom (at least
# MIN_REWRITES times, and until the last scrape). Prints
# "errors=E partial=P failed_runs=F rewrites=R".
scrape_check() {
	local collector=$1 dir=$2 url=$3 want=$4 scrapes=$5 min=$6 i errors=0 partial=0 res wpid
	rm -f "$work/scraping-done" "$work/writer-result"
	(
		n=0 f=0
		while [ ! -e "$work/abort" ] && { [ "$n" -lt "$min" ] || [ ! -e "$work/scraping-done" ]; }; do
			if ! HY300_SYSFS=$base/scrape/sys "${SH[@]}" "$collector" "$dir" 2>>"$work/writer.log"; then f=$((f + 1)); fi
			n=$((n + 1))
		done
		echo "$n $f" >"$work/writer-result"
	) >/dev/null &
	wpid=$!
	: >"$work/pids/$wpid"
	for i in $(seq "$scrapes"); do
		curl -sf --max-time 5 -o "$work/scrape.txt" "$url" || fail "scrape $i: curl failed"
		res=$(awk -v want="$want" '
			/^node_textfile_scrape_error / { err = $2 }
			/^hy300_/ { n++ }
			/^hy300_textfile_last_success_timestamp_seconds / { ts = 1 }
			END { print (err == "0" ? "ok" : "error"), (n == want && ts ? "full" : "partial:" n) }' "$work/scrape.txt")
		case $res in
		"ok full") ;;
		error*)
			errors=$((errors + 1))
			[ -e "$work/bad-scrape.txt" ] || cp "$work/scrape.txt" "$work/bad-scrape.txt"
			;;
		*)
			partial=$((partial + 1))
			[ -e "$work/bad-scrape.txt" ] || cp "$work/scrape.txt" "$work/bad-scrape.txt"
			;;
		esac
	done
	: >"$work/scraping-done"
	wait "$wpid" || fail "the collector loop failed"
	rm "$work/pids/$wpid"
	read -r n f <"$work/writer-result"
	echo "errors=$errors partial=$partial failed_runs=$f rewrites=$n"
}

# The case's exit path: stop the collector loop and node_exporter.
stop_scraping() {
	local st=0
	: >"$work/abort"
	if kill "$ne" 2>/dev/null; then
		wait "$ne" || st=$?
		[ "$st" -eq 143 ] || echo "node_exporter: exit status $st on SIGTERM" >&2
	fi
	rm -f "$work/pids/$ne"
}

case_scrape() {
	local d=$base/scrape port url want res mutant start
	if ! command -v prometheus-node-exporter >/dev/null; then
		apt-get install -y --no-install-recommends prometheus-node-exporter >&2 ||
			fail "prometheus-node-exporter is missing and apt-get could not install it"
	fi
	new_sysfs "$d/sys" mips tvcap motor extra
	# On a tmpfs when allowed (no disk flushes on a loaded machine; rename
	# works the same), else in the work directory.
	mkdir -p "$d/textfile"
	if mount -t tmpfs -o size=4m,mode=0755 hy300-test "$d/textfile" 2>/dev/null; then
		echo "$d/textfile" >>"$work/mounts"
	fi
	collect "$d/sys" "$d/textfile"
	must_succeed
	want=$(grep -c '^hy300_' "$d/textfile/hy300.prom")
	port=$(free_port)
	url=http://127.0.0.1:$port/metrics
	prometheus-node-exporter --web.listen-address="127.0.0.1:$port" \
		--collector.disable-defaults --collector.textfile \
		--collector.textfile.directory="$d/textfile" >"$work/node_exporter.log" 2>&1 &
	ne=$!
	: >"$work/pids/$ne"
	trap stop_scraping EXIT
	for i in $(seq 50); do
		curl -sf --max-time 1 -o /dev/null "$url" && break
		kill -0 "$ne" 2>/dev/null || fail "node_exporter exited: $(tail -n 5 "$work/node_exporter.log")"
		[ "$i" -lt 50 ] || fail "node_exporter does not answer on $url: $(tail -n 5 "$work/node_exporter.log")"
		sleep 0.2
	done
	curl -sf --max-time 5 -o "$work/scrape.txt" "$url" || fail "first scrape failed"
	grep -qx 'node_textfile_scrape_error 0' "$work/scrape.txt" ||
		fail "node_exporter rejects the collector's file: $(grep textfile "$work/scrape.txt")"
	[ "$(grep -c '^hy300_' "$work/scrape.txt")" = "$want" ] || fail "first scrape does not serve the $want hy300 samples"
	ok "node_exporter serves the $want hy300 samples"

	start=$SECONDS
	res=$(scrape_check "$COLLECTOR" "$d/textfile" "$url" "$want" "$SCRAPES" "$REWRITES")
	ok "$SCRAPES scrapes during rewrites ($((SECONDS - start)) s): $res"
	if [ "$res" != "errors=0 partial=0 failed_runs=0 rewrites=${res##*rewrites=}" ]; then
		[ ! -s "$work/writer.log" ] || echo "collector stderr: $(sort "$work/writer.log" | uniq -c | head -n 5)" >&2
		[ ! -e "$work/bad-scrape.txt" ] || echo "first bad scrape: $(grep -c '^hy300_' "$work/bad-scrape.txt") of $want hy300 samples," \
			"$(grep '^node_textfile_scrape_error' "$work/bad-scrape.txt")" >&2
		fail "scrapes saw errors or partial files, or the collector failed: $res"
	fi
	[ "${res##*rewrites=}" -ge "$REWRITES" ] || fail "fewer than $REWRITES rewrites: $res"
	only_files "$d/textfile" hy300.prom

	# The check can fail: the collector mutated to build hy300.prom in place
	# (truncate, then append) instead of a temp file renamed over it.
	mutant=$work/mutant-collector
	# shellcheck disable=SC2016 # the collector's text, not expansions
	sed -e 's|tmp=$(mktemp "$OUTDIR/.hy300.prom.XXXXXX")|tmp=$OUT; : >"$tmp"|' \
		-e 's|^mv -f "$tmp" "$OUT"|:|' "$COLLECTOR" >"$mutant"
	[ "$(diff "$COLLECTOR" "$mutant" | grep -c '^>')" = 2 ] || fail "the in-place mutation did not apply to $COLLECTOR"
	rm -f "$work/bad-scrape.txt"
	: >"$work/writer.log"
	start=$SECONDS
	res=$(scrape_check "$mutant" "$d/textfile" "$url" "$want" "$MUTANT_SCRAPES" "$MUTANT_SCRAPES")
	ok "mutant (writes in place), $MUTANT_SCRAPES scrapes ($((SECONDS - start)) s): $res"
	case $res in
	"errors=0 partial=0 "*) fail "the scrape check did not catch a collector that writes hy300.prom in place: $res" ;;
	esac
	ok "the scrape check catches in-place writes"
}

# --- main --------------------------------------------------------------------

shells=(sh)
if command -v busybox >/dev/null; then shells+=("busybox sh"); fi
passed=0 skipped=() failed=()
run_case() {
	local shell=$1 name=$2 rc
	echo "== $name ($shell)"
	set +e
	(
		set -e
		read -ra SH <<<"$shell"
		base=$work/${shell// /-}
		mkdir -p "$base"
		"case_$name"
	)
	rc=$?
	set -e
	case $rc in
	0) passed=$((passed + 1)) ;;
	77) skipped+=("$name ($shell)") ;;
	*) failed+=("$name ($shell)") ;;
	esac
}

# These cases under each shell, then those under /bin/sh only.
cases=(all_good unreadable invalid_text missing_device missing_target full_target rename killed default_dir merged_invalid topic_files)
sh_cases=(tool_failures scrape)
selected=" ${*:-${cases[*]} ${sh_cases[*]}} "
for name in $selected; do
	declare -F "case_$name" >/dev/null || fail "no case '$name' (cases: ${cases[*]} ${sh_cases[*]})"
done
for shell in "${shells[@]}"; do
	for name in "${cases[@]}"; do
		case $selected in *" $name "*) run_case "$shell" "$name" ;; esac
	done
done
for name in "${sh_cases[@]}"; do
	case $selected in *" $name "*) run_case sh "$name" ;; esac
done

echo "collector tests: $passed passed, ${#skipped[@]} skipped, ${#failed[@]} failed"
if [ ${#failed[@]} -gt 0 ]; then
	printf 'FAIL: %s\n' "${failed[@]}"
	exit 1
fi
if [ ${#skipped[@]} -gt 0 ]; then
	printf 'SKIP %s\n' "${skipped[@]}"
	exit 77
fi
