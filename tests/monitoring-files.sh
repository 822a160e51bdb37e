#!/usr/bin/env bash
# Checks the shipped monitoring files against the real tools and against
# the metrics catalog: alert rules (promtool check + unit tests), the
# dashboard (valid JSON), and that every hy300_* metric they use is a
# documented family (or a collector self-metric), so a renamed metric
# cannot leave a dead panel or a silent alert.
set -euo pipefail
cd "$(dirname "$0")/.."
promtool check rules tools/monitoring/hy300-alerts.yml
(cd tools/monitoring && promtool test rules hy300-alerts.test.yml)
python3 -m json.tool tools/monitoring/hy300-dashboard.json >/dev/null
known=$(mktemp)
trap 'rm -f "$known"' EXIT
{
	grep -oE '^hy300_[a-z0-9_]+' Documentation/hy300/metrics-catalog.rst
	grep -oE 'hy300_(up|textfile_[a-z_]+)' tools/monitoring/hy300-textfile-collector
} | sort -u >"$known"
missing=0
while IFS= read -r name; do
	if ! grep -qx "${name%_bucket}" "$known"; then
		echo "monitoring: $name is not a documented metric"
		missing=1
	fi
done < <(grep -ohE 'hy300_[a-z0-9_]+' tools/monitoring/hy300-alerts.yml tools/monitoring/hy300-dashboard.json | sort -u)
[ $missing -eq 0 ] && echo "monitoring: rules, tests and dashboard use documented metrics only"
exit $missing
