# shellcheck shell=bash
# shellcheck disable=SC2154 # work, prom_port and E2E_NAME are the caller's
# Helpers of the monitoring tests that run the real engines on loopback
# (tests/e2e/monitoring.sh, tests/e2e/fleet.sh). The caller sets $work (its
# scratch directory), $E2E_NAME (the prefix of its lines) and, once its
# Prometheus listens, $prom_port; it appends every process it starts to
# pids. Sourced after scripts/lib.sh (die).

pids=()
# Newest first: an agent stops while the Prometheus it writes to still takes
# its last remote_write (else it waits for its flush deadline, a minute).
cleanup() {
	local i pid
	for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
		pid=${pids[$i]}
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
# wait_http URL LOG: URL answers within 20 s, else dies with LOG's end.
wait_http() {
	local url=$1 log=$2
	for _ in $(seq 100); do
		python3 -c "import urllib.request; urllib.request.urlopen('$url', timeout=1)" 2>/dev/null && return 0
		sleep 0.2
	done
	die "$url does not answer (log: $(tail -n 5 "$log"))"
}
# promql EXPR: the result of the Prometheus on $prom_port as "labels=value"
# lines, sorted (nothing while it does not answer).
promql() {
	python3 - "$prom_port" "$1" <<'EOP' | sort
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
# wait_promql EXPR WANT SECONDS WHAT: polls until promql EXPR prints WANT;
# prints WHAT, else dies after SECONDS with what it got.
wait_promql() {
	local got="" start=$SECONDS
	while [ $((SECONDS - start)) -le "$3" ]; do
		got=$(promql "$1")
		[ "$got" != "$2" ] || { echo "$E2E_NAME: $4 (after $((SECONDS - start)) s)"; return 0; }
		sleep 0.5
	done
	die "$4: PromQL $1 = '$got', expected '$2' after $3 s"
}
