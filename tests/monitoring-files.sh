#!/usr/bin/env bash
# Checks the shipped monitoring files against the real tools and against
# the metrics catalog: alert rules (promtool check + unit tests), the
# dashboard (variables, datasource, instance filter), and that every hy300_* metric they use is a
# documented family (or a collector self-metric), so a renamed metric
# cannot leave a dead panel or a silent alert.
set -euo pipefail
cd "$(dirname "$0")/.."
promtool check rules tools/monitoring/hy300-alerts.yml
(cd tools/monitoring && promtool test rules hy300-alerts.test.yml)
# The dashboard: a datasource variable, an instance variable queried from
# it, every panel on ${datasource}, every hy300 selector filtered by
# $instance (tests/e2e/monitoring.sh runs every query against Prometheus).
python3 - tools/monitoring/hy300-dashboard.json <<'EOP'
import json, re, sys
d = json.load(open(sys.argv[1]))
bad = []
var = {v['name']: v for v in d.get('templating', {}).get('list', [])}
if var.get('datasource', {}).get('type') != 'datasource' or var['datasource'].get('query') != 'prometheus':
    bad.append('no prometheus datasource variable "datasource"')
inst = var.get('instance', {})
if inst.get('type') != 'query' or inst.get('datasource', {}).get('uid') != '${datasource}' \
        or 'instance)' not in inst.get('definition', ''):
    bad.append('no query variable "instance" (label_values(..., instance) on ${datasource})')
for p in d['panels']:
    if p.get('datasource', {}).get('uid') != '${datasource}':
        bad.append(f"panel {p['title']!r}: datasource is not ${{datasource}}")
    if not p.get('targets'):
        bad.append(f"panel {p['title']!r}: no query")
    for t in p.get('targets', []):
        for m in re.finditer(r'\b(hy300_[a-z0-9_]+)(\{[^}]*\})?', t['expr']):
            if 'instance=~"$instance"' not in (m.group(2) or ''):
                bad.append(f"panel {p['title']!r}: {m.group(1)} not filtered by $instance")
for b in bad:
    print('dashboard:', b)
if bad:
    sys.exit(1)
print(f"dashboard: datasource and instance variables; {len(d['panels'])} panels on ${{datasource}}, every selector filtered by $instance")
EOP
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
[ $missing -eq 0 ] || exit 1
echo "monitoring: rules, tests and dashboard use documented metrics only"

# Every shipped service: systemd-analyze security --offline=true rates its
# exposure 2.0 or lower.
for unit in tools/monitoring/*.service; do
	report=$(systemd-analyze security --offline=true "$unit" 2>&1) || { echo "$report"; exit 1; }
	level=$(sed -n 's/^→ Overall exposure level for [^:]*: \([0-9.]*\) .*/\1/p' <<<"$report")
	[ -n "$level" ] || { echo "monitoring: no exposure level for $unit: $report"; exit 1; }
	if ! awk -v l="$level" 'BEGIN { exit !(l <= 2.0) }'; then
		grep '✗' <<<"$report"
		echo "monitoring: $unit: exposure $level (systemd-analyze security --offline=true), more than 2.0"
		exit 1
	fi
	echo "monitoring: $unit: exposure $level (systemd-analyze security --offline=true)"
done

# The tmpfiles.d rule of the symlink way, applied by systemd-tmpfiles into
# an empty root: Debian's textfile directory with one link per device file.
root=$(mktemp -d)
trap 'rm -f "$known"; rm -rf "$root"' EXIT
systemd-tmpfiles --root="$root" --create "$PWD/tools/monitoring/hy300-textfile.conf"
links=$(cd "$root" && find . -type l -printf '%p -> %l\n' | sort)
[ "$links" = "./var/lib/prometheus/node-exporter/hy300-mips.prom -> /sys/class/hy300/mips/metrics
./var/lib/prometheus/node-exporter/hy300-motor.prom -> /sys/class/hy300/motor/metrics" ] ||
	{ echo "monitoring: systemd-tmpfiles made: $links"; exit 1; }
echo "monitoring: tmpfiles.d rule: $(tr '\n' ';' <<<"$links")"
