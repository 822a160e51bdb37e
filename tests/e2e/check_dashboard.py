#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Runs every query of the Grafana dashboard against a Prometheus server.

    check_dashboard.py DASHBOARD_JSON PROMETHEUS_URL [INSTANCE_REGEX]

$instance is replaced by INSTANCE_REGEX (default '.*', the variable's
"All"; one instance: that way of publishing alone), $__rate_interval by
10s (Grafana's at least four scrape intervals; the test scrapes every
second). Rows hold no query. Passes when every panel has a query and every
query succeeds with at least one series; prints one line per query.
"""
import json
import sys
import urllib.parse
import urllib.request


def query(base, expr):
    url = f"{base}/api/v1/query?{urllib.parse.urlencode({'query': expr})}"
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.load(r)


def main():
    dashboard, base = sys.argv[1], sys.argv[2].rstrip('/')
    instance = sys.argv[3] if len(sys.argv) > 3 else '.*'
    d = json.load(open(dashboard))
    failures = 0
    n = 0
    panels = [p for p in d['panels'] if p.get('type') != 'row']
    for panel in panels:
        targets = panel.get('targets', [])
        if not targets:
            print(f"FAIL panel {panel['title']!r}: no query")
            failures += 1
        for t in targets:
            n += 1
            expr = t['expr'].replace('$instance', instance).replace('$__rate_interval', '10s')
            try:
                r = query(base, expr)
            except Exception as e:  # an HTTP 400 is a bad query
                print(f"FAIL panel {panel['title']!r}: {expr}: {e}")
                failures += 1
                continue
            result = r.get('data', {}).get('result', [])
            if r.get('status') != 'success' or not result:
                print(f"FAIL panel {panel['title']!r}: {expr}: no data ({r.get('status')}, {len(result)} series)")
                failures += 1
            else:
                print(f"ok   panel {panel['title']!r}: {expr}: {len(result)} series")
    print(f"{n} queries of {len(panels)} panels ($instance={instance}), {failures} failures")
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
