#!/usr/bin/env bash
# End-to-end test of both monitoring ways with the real programs: the guest
# (drivers, shipped collector, links to the kernel's metrics files;
# tests/e2e/guest-collect.sh) -> Debian's prometheus-node-exporter (textfile
# collector) -> Debian's prometheus server with the shipped alert rules ->
# PromQL, the alerts and every dashboard query.
#
# - collector way: node_exporter serves the guest's hy300.prom unchanged.
# - symlink way: the shipped tmpfiles.d rule, applied by systemd-tmpfiles,
#   makes the textfile directory; a second node_exporter, in a private mount
#   namespace whose /sys/class is a tmpfs, follows its links into
#   /sys/class/hy300/<device>/metrics, which hold the pages the guest read
#   through the same links (the guest kernel has no network, so its sysfs is
#   replayed on the host, phase by phase): loaded (served unchanged), motor
#   unloaded (the link dangles: node_textfile_scrape_error 1, the mips series
#   still served, alert Hy300TextfileScrapeError fires), reloaded (the
#   motor's series come back with the reloaded driver's values).
# Everything binds to 127.0.0.1 and is stopped by PID. Exits 0 when every
# check passes; each step prints a line.
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../../scripts/lib.sh"
cd "$HY300_ROOT"

work=$(mktemp -d "${TMPDIR:-/tmp}/hy300-e2e.XXXXXX")
pids=()
cleanup() {
	local pid
	for pid in "${pids[@]}"; do
		if kill "$pid" 2>/dev/null; then
			# The status of a process killed here (128 + signal) is no verdict.
			wait "$pid" 2>/dev/null || [ $? -ge 128 ]
		fi
	done
	rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# between BEGIN END FILE: the lines strictly between two marker lines.
between() { sed -n "/^$1\$/,/^$2\$/p" "$3" | sed '1d;$d'; }
wait_http() {
	local url=$1 log=$2
	for _ in $(seq 50); do
		python3 -c "import urllib.request; urllib.request.urlopen('$url', timeout=1)" 2>/dev/null && return 0
		sleep 0.2
	done
	die "$url does not answer (log: $(tail -n 5 "$log"))"
}
# promql EXPR: the result as "labels=value" lines, sorted.
promql() {
	python3 - "$prom_port" "$1" <<'EOP'
import json, sys, urllib.parse, urllib.request
url = f"http://127.0.0.1:{sys.argv[1]}/api/v1/query?" + urllib.parse.urlencode({'query': sys.argv[2]})
try:
    r = json.load(urllib.request.urlopen(url, timeout=2))
except Exception:
    sys.exit(0)
for x in r['data']['result']:
    labels = ','.join(f'{k}={v}' for k, v in sorted(x['metric'].items()) if k != '__name__')
    print(f"{labels}={x['value'][1]}")
EOP
}
# wait_promql EXPR WANT SECONDS WHAT: polls until promql EXPR prints WANT.
wait_promql() {
	local got="" start=$SECONDS
	while [ $((SECONDS - start)) -le "$3" ]; do
		got=$(promql "$1")
		[ "$got" != "$2" ] || { echo "e2e: $4 (after $((SECONDS - start)) s)"; return 0; }
		sleep 0.5
	done
	die "$4: PromQL $1 = '$got', expected '$2' after $3 s"
}

scripts/vm run tests/e2e/guest-collect.sh >"$work/guest.txt" || die "guest failed (log: $(tail -n 20 "$work/guest.txt"))"

# --- collector way ------------------------------------------------------------
mkdir -p "$work/textfile"
between '===HY300-PROM-BEGIN===' '===HY300-PROM-END===' "$work/guest.txt" >"$work/textfile/hy300.prom"
[ -s "$work/textfile/hy300.prom" ] || die "no hy300.prom from the guest"
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

# --- symlink way ----------------------------------------------------------------
# The guest's links are the shipped rule's.
rule=$PWD/tools/monitoring/hy300-textfile.conf
systemd-tmpfiles --root="$work/root" --create "$rule"
linkdir=$work/root/var/lib/prometheus/node-exporter
made=$(cd "$linkdir" && find . -type l -printf '%f -> %l\n' | sort)
guest_links=$(sed -n 's/^===HY300-LINK \(.*\)===$/\1/p' "$work/guest.txt" | sort)
[ "$made" = "$guest_links" ] || die "the guest's links ($guest_links) are not the tmpfiles rule's ($made)"
echo "e2e: symlink way: systemd-tmpfiles made $(tr '\n' ';' <<<"$made") as the guest did"
for phase in loaded reloaded; do
	for d in motor mips; do
		between "===HY300-PAGE-BEGIN $phase $d===" "===HY300-PAGE-END $phase $d===" "$work/guest.txt" >"$work/$phase-$d.prom"
		[ -s "$work/$phase-$d.prom" ] || die "no $d page read through its link ($phase)"
	done
done
grep -qx '===HY300-MOTOR-UNLOADED (link dangles)===' "$work/guest.txt" || die "the guest did not see the motor's link dangle"

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
# sysfs PHASE DEVICE...: the devices' pages of PHASE, the others absent.
sysfs() {
	local phase=$1 d
	shift
	rm -rf "$class"
	for d in "$@"; do
		mkdir -p "$class/$d"
		cp "$work/$phase-$d.prom" "$class/$d/metrics"
	done
}
sysfs loaded motor mips
cat "$work/loaded-motor.prom" "$work/loaded-mips.prom" >"$work/loaded.prom"
python3 tests/e2e/check_scrape.py "$work/loaded.prom" "http://127.0.0.1:$ns_port/metrics" ||
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
want=$(sed -n 's/^hy300_motor_position_steps //p' "$work/textfile/hy300.prom")
wait_promql hy300_motor_position_steps "$(printf 'instance=127.0.0.1:%s,job=node=%s\n' "$ne_port" "$want" "$ns_port" "$want" | sort)" \
	60 "PromQL hy300_motor_position_steps = $want from both ways (guest: $want)"
up=$(promql hy300_up | sed 's/^device=\([a-z]*\),.*=\([01]\)$/\1=\2/' | tr '\n' ' ')
[ "$up" = "mips=1 motor=1 tvcap=1 " ] || die "hy300_up is '$up'"
echo "e2e: hy300_up: $up"

# Every dashboard query returns data (rate() needs two scrapes: wait 3 s).
sleep 3
python3 tests/e2e/check_dashboard.py tools/monitoring/hy300-dashboard.json "http://127.0.0.1:$prom_port" ||
	die "a dashboard query returns no data"

# --- the motor's module unloaded, then reloaded (symlink way) ----------------------
sysfs loaded mips
scrape=$(curl -sf --max-time 5 "http://127.0.0.1:$ns_port/metrics") || die "scrape failed"
grep -qx 'node_textfile_scrape_error 1' <<<"$scrape" || die "a dangling link did not set node_textfile_scrape_error 1"
grep -q '^hy300_mips_firmware_loaded ' <<<"$scrape" || die "the mips series are gone with the motor's"
! grep -q '^hy300_motor_' <<<"$scrape" || die "motor series still served with its link dangling"
echo "e2e: motor unloaded: node_textfile_scrape_error 1, mips still served, no motor series"
wait_promql 'ALERTS{alertname="Hy300TextfileScrapeError",alertstate="firing"}' \
	"alertname=Hy300TextfileScrapeError,alertstate=firing,instance=127.0.0.1:$ns_port,job=node,severity=warning=1" 90 \
	"alert Hy300TextfileScrapeError fires for the symlink way's node_exporter"

sysfs reloaded motor mips
want=$(sed -n 's/^hy300_motor_position_steps //p' "$work/reloaded-motor.prom")
homed=$(sed -n 's/^hy300_motor_homed //p' "$work/reloaded-motor.prom")
wait_promql "hy300_motor_homed{instance=\"127.0.0.1:$ns_port\"}" "instance=127.0.0.1:$ns_port,job=node=$homed" 30 \
	"motor reloaded: its series are back (hy300_motor_homed $homed, the fresh driver's)"
[ "$(promql "hy300_motor_position_steps{instance=\"127.0.0.1:$ns_port\"}")" = "instance=127.0.0.1:$ns_port,job=node=$want" ] ||
	die "hy300_motor_position_steps after the reload is not the reloaded driver's $want"
wait_promql "node_textfile_scrape_error{instance=\"127.0.0.1:$ns_port\"}" "instance=127.0.0.1:$ns_port,job=node=0" 30 \
	"node_textfile_scrape_error back to 0"

# The check can fail: a sample with a timestamp makes node_exporter reject
# the file (node_textfile_scrape_error 1), and the checker must notice.
cp "$work/textfile/hy300.prom" "$work/good.prom"
echo 'hy300_bad_sample 1 1700000000000' >>"$work/textfile/hy300.prom"
if python3 tests/e2e/check_scrape.py "$work/good.prom" "http://127.0.0.1:$ne_port/metrics" >/dev/null; then
	die "checker passed a textfile that node_exporter rejects"
fi
echo "e2e: a broken textfile is caught (node_textfile_scrape_error 1)"
echo "e2e: ok"
