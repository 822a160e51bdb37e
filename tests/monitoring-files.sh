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
rows = [p['title'] for p in d['panels'] if p['type'] == 'row']
if 'Fleet overview' not in rows:
    bad.append('no "Fleet overview" row')
for p in d['panels']:
    if p['type'] == 'row':
        continue
    for t in p.get('targets', []):
        e, legend = t['expr'], t.get('legendFormat', '')
        # Per-projector series name their instance; fleet aggregates
        # (count, count_values) have none.
        fleet = re.match(r'count(_values)?[ (]', e) and not re.match(r'count[^(]*by \([^)]*instance', e)
        if '{{instance}}' not in legend and not fleet:
            bad.append(f"panel {p['title']!r}: legend {legend!r} without {{{{instance}}}}")
        for w in re.findall(r'\[([^\]]+)\]', e):
            if w != '$__rate_interval':
                bad.append(f"panel {p['title']!r}: window [{w}], not [$__rate_interval]")
        if 'histogram_quantile' in e and 'sum by (le, instance) (' not in e:
            bad.append(f"panel {p['title']!r}: quantile without sum by (le, instance)")
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
print(f"dashboard: datasource and instance variables; {len(d['panels']) - len(rows)} panels on ${{datasource}} in {len(rows)} rows, every selector filtered by $instance, "
      "instance in every per-projector legend, [$__rate_interval] windows, quantiles summed by (le, instance)")
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

# Every alert has a runbook_url into a section of the admin guide named
# after it (docutils makes the anchor from the title, lower case).
guide=Documentation/admin-guide/hy300-monitoring.rst
python3 - tools/monitoring/hy300-alerts.yml "$guide" <<'EOP'
import re, sys, yaml
rules = yaml.safe_load(open(sys.argv[1]))
titles = set()
lines = open(sys.argv[2]).read().splitlines()
for title, under in zip(lines, lines[1:]):
    if title.strip() and re.fullmatch(r'([=~^"-])\1+', under) and len(under) >= len(title):
        titles.add(re.sub(r'[^a-z0-9]+', '-', title.lower()).strip('-'))
bad, n = [], 0
prefix = 'file:///usr/share/doc/hy300/Documentation/admin-guide/hy300-monitoring.rst#'
for group in rules['groups']:
    for r in group['rules']:
        if 'alert' not in r:
            continue
        n += 1
        url = r.get('annotations', {}).get('runbook_url', '')
        if not url.startswith(prefix) or url[len(prefix):] not in titles or url[len(prefix):] != r['alert'].lower():
            bad.append(f"{r['alert']}: runbook_url {url!r} is not a section of the admin guide named after it")
for b in bad:
    print('monitoring:', b)
if bad:
    sys.exit(1)
print(f'monitoring: all {n} alerts have a runbook_url into the admin guide')
EOP

# The default path's link helper on a fake /sys/class/hy300: it links the
# topic files (not metrics, not one-value or write-only files) of the
# devices present, removes the links of a removed device and dangling ones,
# and leaves other files alone.
fake=$(mktemp -d)
trap 'rm -f "$known"; rm -rf "$fake"' EXIT
mkdir -p "$fake/sys/motor" "$fake/sys/mips" "$fake/dir"
page=$'# HELP hy300_x X.\n# TYPE hy300_x gauge\nhy300_x 1\n'
for f in motor/metrics motor/position_status motor/gpio_status motor/home mips/firmware_status; do printf '%s' "$page" >"$fake/sys/$f"; done
echo 1 >"$fake/sys/motor/homed"
chmod 444 "$fake/sys/motor/"* "$fake/sys/mips/"*
chmod 200 "$fake/sys/motor/home"
ln -s "$fake/sys/tvcap/capture_stats" "$fake/dir/hy300-tvcap-capture_stats.prom"
echo kept >"$fake/dir/hy300.prom"
HY300_SYSFS=$fake/sys tools/monitoring/hy300-textfile-links "$fake/dir"
got=$(cd "$fake/dir" && find . -printf '%f %l\n' | sed "s#$fake#FAKE#" | sort)
want=". 
hy300-mips-firmware_status.prom FAKE/sys/mips/firmware_status
hy300-motor-gpio_status.prom FAKE/sys/motor/gpio_status
hy300-motor-position_status.prom FAKE/sys/motor/position_status
hy300.prom "
[ "$got" = "$want" ] || { echo "monitoring: hy300-textfile-links made:"; echo "$got"; exit 1; }
HY300_SYSFS=$fake/sys tools/monitoring/hy300-textfile-links --remove motor "$fake/dir"
got=$(cd "$fake/dir" && find . -name '*.prom' -printf '%f\n' | sort | tr '\n' ' ')
[ "$got" = "hy300-mips-firmware_status.prom hy300.prom " ] || { echo "monitoring: after --remove motor: $got"; exit 1; }
ln -s /elsewhere "$fake/dir/hy300-other.prom"
HY300_SYSFS=$fake/sys tools/monitoring/hy300-textfile-links --remove-all "$fake/dir"
got=$(cd "$fake/dir" && find . -name '*.prom' -printf '%f\n' | sort | tr '\n' ' ')
[ "$got" = "hy300-other.prom hy300.prom " ] || { echo "monitoring: after --remove-all: $got"; exit 1; }
echo "monitoring: hy300-textfile-links links the topic files of the devices present, drops removed and dangling ones; --remove-all drops only its links"
