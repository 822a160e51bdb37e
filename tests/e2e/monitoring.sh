#!/usr/bin/env bash
# End-to-end test of the monitoring path with the real programs:
# guest (drivers + shipped collector) -> hy300.prom -> Debian's
# prometheus-node-exporter (textfile collector) -> Debian's prometheus
# server scraping it -> a PromQL query. Everything binds to 127.0.0.1 and
# is stopped by PID. Exits 0 when every check passes.
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

scripts/vm run tests/e2e/guest-collect.sh >"$work/guest.txt" || die "guest failed"
mkdir -p "$work/textfile"
sed -n '/^===HY300-PROM-BEGIN===$/,/^===HY300-PROM-END===$/p' "$work/guest.txt" | sed '1d;$d' >"$work/textfile/hy300.prom"
[ -s "$work/textfile/hy300.prom" ] || die "no hy300.prom from the guest"
promtool check metrics <"$work/textfile/hy300.prom" || die "promtool rejects hy300.prom"
echo "e2e: guest published $(grep -vc '^#' "$work/textfile/hy300.prom") samples"

ne_port=$(free_port)
prometheus-node-exporter --web.listen-address="127.0.0.1:$ne_port" \
	--collector.disable-defaults --collector.textfile \
	--collector.textfile.directory="$work/textfile" >"$work/node_exporter.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
	python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$ne_port/metrics', timeout=1)" 2>/dev/null && break
	sleep 0.2
done
python3 tests/e2e/check_scrape.py "$work/textfile/hy300.prom" "http://127.0.0.1:$ne_port/metrics" ||
	die "node_exporter does not serve what the guest published (log: $(tail -n 5 "$work/node_exporter.log"))"

prom_port=$(free_port)
cat >"$work/prometheus.yml" <<EOC
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:$ne_port']
EOC
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
	--web.listen-address="127.0.0.1:$prom_port" >"$work/prometheus.log" 2>&1 &
pids+=($!)
want=$(sed -n 's/^hy300_motor_position_steps //p' "$work/textfile/hy300.prom")
got=""
for _ in $(seq 60); do
	got=$(python3 - "$prom_port" <<'EOP'
import json, sys, urllib.request
url = f'http://127.0.0.1:{sys.argv[1]}/api/v1/query?query=hy300_motor_position_steps'
try:
    r = json.load(urllib.request.urlopen(url, timeout=2))
    print(r['data']['result'][0]['value'][1] if r['data']['result'] else '')
except Exception:
    print('')
EOP
)
	[ -n "$got" ] && break
	sleep 0.5
done
[ "$got" = "$want" ] || die "PromQL hy300_motor_position_steps = '$got', guest reported '$want' (log: $(tail -n 5 "$work/prometheus.log"))"
echo "e2e: PromQL hy300_motor_position_steps = $got (guest: $want)"
up=$(python3 - "$prom_port" <<'EOP'
import json, sys, urllib.request
url = f'http://127.0.0.1:{sys.argv[1]}/api/v1/query?query=hy300_up'
r = json.load(urllib.request.urlopen(url, timeout=2))
print(' '.join(sorted(f"{x['metric']['device']}={x['value'][1]}" for x in r['data']['result'])))
EOP
)
[ "$up" = "mips=1 motor=1 tvcap=1" ] || die "hy300_up is '$up'"
echo "e2e: hy300_up: $up"
# The check can fail: a sample with a timestamp makes node_exporter reject
# the file (node_textfile_scrape_error 1), and the checker must notice.
cp "$work/textfile/hy300.prom" "$work/good.prom"
echo 'hy300_bad_sample 1 1700000000000' >>"$work/textfile/hy300.prom"
if python3 tests/e2e/check_scrape.py "$work/good.prom" "http://127.0.0.1:$ne_port/metrics" >/dev/null; then
	die "checker passed a textfile that node_exporter rejects"
fi
echo "e2e: a broken textfile is caught (node_textfile_scrape_error 1)"
echo "e2e: ok"
