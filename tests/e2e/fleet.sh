#!/usr/bin/env bash
# Fleet test on loopback with the real engines (Debian's binaries): three
# simulated projectors, each a prometheus-node-exporter with its own
# textfile directory fed from real guest output (the pages the guest's
# default path links, tests/e2e/guest-collect.sh), each shipped by a
# Prometheus in agent mode (remote_write, external_labels site and
# projector) into a central Prometheus with the remote-write receiver,
# which evaluates the project's rules (tools/monitoring/hy300-alerts.yml,
# the `for:` durations cut to 2 s so the test takes seconds, not minutes).
# p1 and p3 get the guest's idle pages; p2 is broken: the pages of the
# guest's "unloaded" phase (motor and tvcap modules removed, the
# co-processor's firmware not loaded). Exactly p2's alerts must fire, with
# its labels (Hy300DeviceAbsent{device="motor"}, Hy300MipsFirmwareNotLoaded),
# and the fleet counts must say three projectors, one without firmware.
# This is the configuration of the admin guide's "Fleets" section.
#
#   tests/e2e/fleet.sh [GUEST_OUTPUT]
#
# GUEST_OUTPUT: a saved output of tests/e2e/guest-collect.sh (else the
# guest is booted). Everything binds to 127.0.0.1, every process is stopped
# by PID on exit; every wait is bounded (at most 120 s). Exits 0 when every
# check passes.
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../../scripts/lib.sh"
cd "$HY300_ROOT"

work=$(mktemp -d "${TMPDIR:-/tmp}/hy300-fleet.XXXXXX")
E2E_NAME=fleet
# shellcheck source=tests/e2e/lib.sh
. tests/e2e/lib.sh

if [ $# -ge 1 ]; then
	cp "$1" "$work/guest.txt"
else
	scripts/vm run tests/e2e/guest-collect.sh >"$work/guest.txt" || die "guest failed (log: $(tail -n 20 "$work/guest.txt"))"
fi
grep -q '^===HY300-PHASE-END reloaded===$' "$work/guest.txt" || die "incomplete guest output"

# pages PHASE DIR: the pages the guest's links of PHASE pointed to, as the
# files node_exporter reads in DIR (the same names as the links).
pages() {
	local name
	mkdir -p "$2"
	between "===HY300-PHASE-BEGIN $1===" "===HY300-PHASE-END $1===" "$work/guest.txt" >"$work/$1.txt"
	while read -r name _; do
		sed -n "/^===HY300-PAGE-BEGIN $name===\$/,/^===HY300-PAGE-END===\$/p" "$work/$1.txt" | sed '1d;$d' >"$2/$name"
		[ -s "$2/$name" ] || die "no page $name in phase $1"
	done < <(sed -n 's/^===HY300-LINK \(.*\)===$/\1/p' "$work/$1.txt")
}
pages idle "$work/p1"
pages unloaded "$work/p2"
pages idle "$work/p3"
grep -qx 'hy300_mips_firmware_loaded 1' "$work/p1/hy300-mips-firmware_status.prom" || die "the idle phase's firmware is not loaded"
grep -qx 'hy300_mips_firmware_loaded 0' "$work/p2/hy300-mips-firmware_status.prom" || die "the unloaded phase's firmware is loaded"
for f in "$work/p2"/hy300-motor-*; do [ ! -e "$f" ] || die "the unloaded phase has motor pages"; done
echo "fleet: p1, p3: $(find "$work/p1" -name '*.prom' | wc -l) pages of the idle guest; p2: $(find "$work/p2" -name '*.prom' | wc -l) pages of the broken one (no motor, firmware not loaded)"

# The project's rules, with every `for:` cut to 2 s.
sed 's/^\( *\)for: .*/\1for: 2s/' tools/monitoring/hy300-alerts.yml >"$work/rules.yml"
promtool check rules "$work/rules.yml" >/dev/null || die "promtool rejects the rules"

prom_port=$(free_port)
cat >"$work/central.yml" <<EOC
global:
  evaluation_interval: 1s
rule_files:
  - $work/rules.yml
EOC
prometheus --config.file="$work/central.yml" --storage.tsdb.path="$work/central-tsdb" \
	--web.enable-remote-write-receiver --web.listen-address="127.0.0.1:$prom_port" >"$work/central.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$prom_port/-/ready" "$work/central.log"

for p in p1 p2 p3; do
	ne=$(free_port)
	prometheus-node-exporter --web.listen-address="127.0.0.1:$ne" \
		--collector.disable-defaults --collector.textfile \
		--collector.textfile.directory="$work/$p" >"$work/$p-node_exporter.log" 2>&1 &
	pids+=($!)
	wait_http "http://127.0.0.1:$ne/metrics" "$work/$p-node_exporter.log"
	agent=$(free_port)
	# The agent configuration of the admin guide's "Fleets" section.
	cat >"$work/$p-agent.yml" <<EOC
global:
  scrape_interval: 1s
  external_labels:
    site: lab
    projector: $p
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:$ne']
remote_write:
  - url: http://127.0.0.1:$prom_port/api/v1/write
EOC
	prometheus --enable-feature=agent --config.file="$work/$p-agent.yml" --storage.agent.path="$work/$p-wal" \
		--web.listen-address="127.0.0.1:$agent" >"$work/$p-agent.log" 2>&1 &
	pids+=($!)
	wait_http "http://127.0.0.1:$agent/-/ready" "$work/$p-agent.log"
done
echo "fleet: central Prometheus on 127.0.0.1:$prom_port; three agents, each scraping its projector's node_exporter"

wait_promql 'count by (projector, site) (node_textfile_scrape_error == 0)' \
	"$(printf 'projector=%s,site=lab=1\n' p1 p2 p3)" 120 "all three projectors arrive through remote_write, no scrape error"
wait_promql 'hy300:projectors:count' 'site=lab=3' 60 "recording rule: 3 projectors at site lab"
wait_promql 'hy300:mips_firmware_not_loaded:count' 'site=lab=1' 60 "recording rule: 1 projector without firmware"
expected="alertname=Hy300DeviceAbsent,alertstate=firing,device=motor,instance=*,job=node,projector=p2,severity=critical,site=lab=1
alertname=Hy300MipsFirmwareNotLoaded,alertstate=firing,instance=*,job=node,projector=p2,severity=critical,site=lab=1"
# alerts: the firing alerts with the instance (a port) as *.
alerts() { promql 'ALERTS{alertstate="firing"}' | sed 's/instance=127\.0\.0\.1:[0-9]*/instance=*/'; }
start=$SECONDS
until [ "$(alerts)" = "$expected" ]; do
	[ $((SECONDS - start)) -le 60 ] || die "firing alerts after 60 s: '$(alerts)', expected '$expected'"
	sleep 0.5
done
echo "fleet: exactly p2's alerts fire, with its labels, after $((SECONDS - start)) s:"
while IFS= read -r line; do echo "fleet:   $line"; done <<<"$expected"
# Still exactly those after 5 more evaluations (nothing else was pending).
sleep 5
[ "$(alerts)" = "$expected" ] || die "firing alerts changed: '$(alerts)'"
[ -z "$(promql 'ALERTS{projector!="p2"}')" ] || die "alerts for another projector: $(promql 'ALERTS{projector!="p2"}')"
echo "fleet: ok"
