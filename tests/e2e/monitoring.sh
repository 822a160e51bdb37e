#!/usr/bin/env bash
# End-to-end test of both monitoring ways with the real programs: the guest
# (drivers, shipped collector, shipped link helper; tests/e2e/guest-collect.sh)
# -> Debian's prometheus-node-exporter (textfile collector) -> Debian's
# prometheus server with the shipped alert rules -> PromQL, the alerts and
# every dashboard query.
#
# - collector way: node_exporter serves the guest's hy300.prom unchanged.
# - default path: the links hy300-textfile-links made in the guest (as the
#   shipped udev rule runs it), made again here; a second node_exporter, in
#   a private mount namespace whose /sys/class is a tmpfs, follows them into
#   /sys/class/hy300/<device>/<file>, which hold the pages the guest read
#   through the same links (the guest kernel has no network, so its sysfs is
#   replayed on the host, phase by phase).
# Phases (the guest's): idle, streaming, unloaded (motor and tvcap modules
# removed: their links are gone, node_textfile_scrape_error stays 0, the
# motor's absence alert fires for that projector only), reloaded. In every
# phase and both ways, the families stored in Prometheus are exactly the
# union of the families of every readable file of every device
# (tests/e2e/check_families.py, from the guest's own dump of that phase).
# Everything binds to 127.0.0.1 and is stopped by PID. Exits 0 when every
# check passes; each step prints a line.
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../../scripts/lib.sh"
cd "$HY300_ROOT"

work=$(mktemp -d "${TMPDIR:-/tmp}/hy300-e2e.XXXXXX")
E2E_NAME=e2e
# shellcheck source=tests/e2e/lib.sh
. tests/e2e/lib.sh

guest_arch=${HY300_E2E_ARCH:-x86_64}
ARCH=$guest_arch scripts/vm run tests/e2e/guest-collect.sh >"$work/guest.txt" || die "guest failed (log: $(tail -n 20 "$work/guest.txt"))"
grep -q '^===HY300-PHASE-END reloaded===$' "$work/guest.txt" || die "the guest did not finish (log: $(tail -n 20 "$work/guest.txt"))"

# split PHASE: the guest's views of PHASE into $work/PHASE/: files.dump (every
# device file), hy300.prom (collector way), links (name -> target), pages/NAME.
split() {
	local p=$1 d=$work/$1 name
	mkdir -p "$d/pages"
	between "===HY300-PHASE-BEGIN $p===" "===HY300-PHASE-END $p===" "$work/guest.txt" >"$d/all.txt"
	sed -n '1,/^===HY300-FILES-END===$/p' "$d/all.txt" >"$d/files.dump"
	grep -q '^===HY300-FILES-END===$' "$d/files.dump" || die "no file dump in phase $p"
	between '===HY300-PROM-BEGIN===' '===HY300-PROM-END===' "$d/all.txt" >"$d/hy300.prom"
	[ -s "$d/hy300.prom" ] || die "no hy300.prom from the guest ($p)"
	sed -n 's/^===HY300-LINK \(.*\)===$/\1/p' "$d/all.txt" >"$d/links"
	while read -r name _ _; do
		sed -n "/^===HY300-PAGE-BEGIN $name===\$/,/^===HY300-PAGE-END===\$/p" "$d/all.txt" | sed '1d;$d' >"$d/pages/$name"
		[ -s "$d/pages/$name" ] || die "no page read through $name ($p)"
	done <"$d/links"
}
for p in idle streaming unloaded reloaded; do split "$p"; done
grep -qx 'hy300_tvcap_streaming 1' "$work/streaming/hy300.prom" || die "the streaming phase's hy300.prom does not show tvcap streaming"
echo "e2e: guest ($guest_arch): phases idle, streaming, unloaded, reloaded; links (idle): $(cut -d' ' -f1 "$work/idle/links" | tr '\n' ' ')"
# The optional device costs nothing: no link of a removed device is left.
! grep -Eq '^hy300-(motor|tvcap)-' "$work/unloaded/links" || die "links of removed devices left: $(cat "$work/unloaded/links")"
for d in motor mips tvcap; do
	grep -q "^hy300-$d-" "$work/idle/links" || die "no link of $d in the idle phase"
	grep -q "^hy300-$d-" "$work/reloaded/links" || die "no link of $d after the reload"
done
! grep -q -- '-metrics\.prom ' "$work/idle/links" || die "a metrics file is linked (its families are in the topic files)"

# --- collector way ------------------------------------------------------------
mkdir -p "$work/textfile"
# collector_phase PHASE: node_exporter's textfile directory gets PHASE's hy300.prom.
collector_phase() {
	cp "$work/$1/hy300.prom" "$work/textfile/.hy300.prom.new"
	mv -f "$work/textfile/.hy300.prom.new" "$work/textfile/hy300.prom"
}
collector_phase idle
promtool check metrics <"$work/textfile/hy300.prom" || die "promtool rejects hy300.prom"
echo "e2e: collector way: guest published $(grep -vc '^#' "$work/textfile/hy300.prom") samples"

ne_port=$(free_port)
prometheus-node-exporter --web.listen-address="127.0.0.1:$ne_port" \
	--collector.disable-defaults --collector.textfile \
	--collector.textfile.directory="$work/textfile" >"$work/node_exporter.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$ne_port/metrics" "$work/node_exporter.log"
python3 tests/e2e/check_scrape.py "$work/textfile/hy300.prom" "http://127.0.0.1:$ne_port/metrics" ||
	die "node_exporter does not serve what the guest published (log: $(tail -n 5 "$work/node_exporter.log"))"

# --- default path (links) -------------------------------------------------------
linkdir=$work/links
mkdir -p "$linkdir"
ns_port=$(free_port)
unshare --mount --propagation private bash -c 'mount -t tmpfs hy300-e2e /sys/class && exec "$@"' - \
	prometheus-node-exporter --web.listen-address="127.0.0.1:$ns_port" \
	--collector.disable-defaults --collector.textfile \
	--collector.textfile.directory="$linkdir" >"$work/node_exporter-links.log" 2>&1 &
ns_pid=$!
pids+=("$ns_pid")
wait_http "http://127.0.0.1:$ns_port/metrics" "$work/node_exporter-links.log"
# That node_exporter's /sys/class/hy300, seen from here.
class=/proc/$ns_pid/root/sys/class/hy300
[ ! -e "/proc/$ns_pid/root/sys/class/block" ] || die "the namespace's /sys/class is not its own tmpfs"
# links_phase PHASE: the guest's links of PHASE and the pages behind them
# (pages first, then the links; a device without a link loses its pages).
links_phase() {
	local name target l d
	while read -r name _ target; do
		case $target in /sys/class/hy300/*/*) ;; *) die "link $name -> $target: not into /sys/class/hy300" ;; esac
		mkdir -p "$class/$(basename "$(dirname "$target")")"
		cp "$work/$1/pages/$name" "$class/${target#/sys/class/hy300/}.new"
		mv -f "$class/${target#/sys/class/hy300/}.new" "$class/${target#/sys/class/hy300/}"
	done <"$work/$1/links"
	for l in "$linkdir"/*.prom; do
		[ -L "$l" ] || continue
		grep -q "^${l##*/} " "$work/$1/links" || rm -f "$l"
	done
	while read -r name _ target; do
		[ "$(readlink "$linkdir/$name")" = "$target" ] || ln -sfn "$target" "$linkdir/$name"
	done <"$work/$1/links"
	for d in "$class"/*; do
		[ -d "$d" ] || continue
		grep -q " /sys/class/hy300/${d##*/}/" "$work/$1/links" || rm -rf "$d"
	done
}
links_phase idle
cat "$work/idle/pages/"* >"$work/idle-links.prom"
python3 tests/e2e/check_scrape.py "$work/idle-links.prom" "http://127.0.0.1:$ns_port/metrics" ||
	die "node_exporter does not serve the pages behind the links (log: $(tail -n 5 "$work/node_exporter-links.log"))"

# --- Prometheus with the shipped rules ----------------------------------------------
prom_port=$(free_port)
cat >"$work/prometheus.yml" <<EOC
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $PWD/tools/monitoring/hy300-alerts.yml
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:$ne_port', '127.0.0.1:$ns_port']
EOC
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
	--web.listen-address="127.0.0.1:$prom_port" >"$work/prometheus.log" 2>&1 &
pids+=($!)
want=$(sed -n 's/^hy300_motor_position_steps //p' "$work/idle/hy300.prom")
wait_promql hy300_motor_position_steps "$(printf 'instance=127.0.0.1:%s,job=node=%s\n' "$ne_port" "$want" "$ns_port" "$want" | sort)" \
	60 "PromQL hy300_motor_position_steps = $want from both ways (guest: $want)"
up=$(promql hy300_up | sed 's/^device=\([a-z]*\),.*=\([01]\)$/\1=\2/' | tr '\n' ' ')
[ "$up" = "mips=1 motor=1 tvcap=1 " ] || die "hy300_up is '$up'"
echo "e2e: hy300_up: $up"

# families PHASE: both ways store exactly the families of PHASE's device
# files (polled until the last scrape is PHASE's: up to 30 s).
families() {
	local way port start=$SECONDS
	for way in collector:$ne_port links:$ns_port; do
		port=${way#*:}
		until python3 tests/e2e/check_families.py "$work/$1/files.dump" "http://127.0.0.1:$prom_port" "127.0.0.1:$port" --quiet >"$work/families.txt"; do
			[ $((SECONDS - start)) -le 30 ] || die "phase $1, ${way%%:*} way: $(cat "$work/families.txt")"
			sleep 0.5
		done
		echo "e2e: $1, ${way%%:*} way: $(tail -n 1 "$work/families.txt")"
	done
}
families idle

# Every dashboard query returns data from each way alone (rate() over 10 s
# needs two scrapes in it: wait 3 s).
sleep 3
for port in "$ne_port" "$ns_port"; do
	python3 tests/e2e/check_dashboard.py tools/monitoring/hy300-dashboard.json "http://127.0.0.1:$prom_port" "127.0.0.1:$port" ||
		die "a dashboard query returns no data for 127.0.0.1:$port alone"
done

collector_phase streaming
links_phase streaming
families streaming

# --- motor and tvcap modules removed, then inserted again -------------------------
collector_phase unloaded
links_phase unloaded
scrape=$(curl -sf --max-time 5 "http://127.0.0.1:$ns_port/metrics") || die "scrape failed"
grep -qx 'node_textfile_scrape_error 0' <<<"$scrape" || die "node_textfile_scrape_error is not 0 with motor and tvcap removed"
grep -q '^hy300_mips_firmware_loaded ' <<<"$scrape" || die "the mips series are gone with the motor's"
! grep -q '^hy300_\(motor\|tvcap\)_' <<<"$scrape" || die "motor or tvcap series still served after their removal"
echo "e2e: motor and tvcap removed: no link left, node_textfile_scrape_error 0, mips still served"
families unloaded
# The motor's absence is an alert for this projector (both ways lose it);
# tvcap's is not (optional device); no scrape error alert.
wait_promql 'count by (instance) (ALERTS{alertname="Hy300DeviceAbsent",device="motor"})' \
	"$(printf 'instance=127.0.0.1:%s=1\n' "$ne_port" "$ns_port" | sort)" 60 \
	"alert Hy300DeviceAbsent{device=\"motor\"} pending or firing for both ways' instances"
[ -z "$(promql 'ALERTS{alertname=~"Hy300TextfileScrapeError|Hy300DeviceAbsent",device!="motor"}')" ] ||
	die "other alerts: $(promql 'ALERTS{alertname=~"Hy300TextfileScrapeError|Hy300DeviceAbsent",device!="motor"}')"

collector_phase reloaded
links_phase reloaded
want=$(sed -n 's/^hy300_motor_position_steps //p' "$work/reloaded/pages/hy300-motor-position_status.prom")
homed=$(sed -n 's/^hy300_motor_homed //p' "$work/reloaded/pages/hy300-motor-calibration_state.prom")
wait_promql "hy300_motor_homed{instance=\"127.0.0.1:$ns_port\"}" "instance=127.0.0.1:$ns_port,job=node=$homed" 30 \
	"motor reloaded: its series are back (hy300_motor_homed $homed, the fresh driver's)"
[ "$(promql "hy300_motor_position_steps{instance=\"127.0.0.1:$ns_port\"}")" = "instance=127.0.0.1:$ns_port,job=node=$want" ] ||
	die "hy300_motor_position_steps after the reload is not the reloaded driver's $want"
families reloaded

# The check can fail: a sample with a timestamp makes node_exporter reject
# the file (node_textfile_scrape_error 1), and the checker must notice.
cp "$work/textfile/hy300.prom" "$work/good.prom"
echo 'hy300_bad_sample 1 1700000000000' >>"$work/textfile/hy300.prom"
if python3 tests/e2e/check_scrape.py "$work/good.prom" "http://127.0.0.1:$ne_port/metrics" >/dev/null; then
	die "checker passed a textfile that node_exporter rejects"
fi
echo "e2e: a broken textfile is caught (node_textfile_scrape_error 1)"
echo "e2e: ok"
