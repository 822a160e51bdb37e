#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Every family the drivers render is stored in Prometheus, and nothing else.

    check_families.py DUMP PROMETHEUS_URL INSTANCE [--quiet]

DUMP is a guest dump of every /sys/class/hy300 file (tests/vm/lib/dump.sh
markers). The expected set is derived from it, not from a hand list: for
each device, the union of the families (TYPE lines) over all its readable
files. The stored set is what PROMETHEUS_URL holds now for INSTANCE (series
marked stale by a later scrape are not counted): each hy300_ series as
(device, family), the device from its `device` label or its name
(hy300_<device>_...), a histogram's _bucket/_sum/_count series as their
family. The collector's own self-metrics (hy300_up, hy300_textfile_*) are
not driver families and are left out. Passes when the two sets are equal;
prints each difference (missing: rendered, not stored; unexpected: stored,
not rendered) and a summary line.
"""
import json
import re
import sys
import urllib.parse
import urllib.request

FILE = re.compile(r'^===HY300-FILE /sys/class/hy300/([^/ ]+)/([^/ ]+) ([0-7]+)===$')
COLLECTOR_SELF = {'hy300_up', 'hy300_textfile_read_error',
                  'hy300_textfile_last_success_timestamp_seconds'}


def expected_families(dump):
    """{(device, family)} and {family: type} from the dump's files."""
    pairs, types = set(), {}
    device = None
    for line in open(dump):
        line = line.rstrip('\n')
        m = FILE.match(line)
        if m:
            device = m.group(1)
            continue
        if line.startswith('===HY300-'):
            device = None
            continue
        if device and line.startswith('# TYPE '):
            _, _, name, kind = line.split(' ', 3)
            pairs.add((device, name))
            types[name] = kind
    return pairs, types


def stored_families(base, instance, types):
    expr = '{__name__=~"hy300_.+",instance="%s"}' % instance
    url = f"{base}/api/v1/query?{urllib.parse.urlencode({'query': expr})}"
    with urllib.request.urlopen(url, timeout=10) as r:
        result = json.load(r)['data']['result']
    pairs = set()
    for series in result:
        labels = series['metric']
        name = labels['__name__']
        if name in COLLECTOR_SELF:
            continue
        family = name
        for suffix in ('_bucket', '_sum', '_count'):
            base_name = name[:-len(suffix)]
            if name.endswith(suffix) and types.get(base_name) == 'histogram':
                family = base_name
        device = labels.get('device') or name.split('_')[1]
        pairs.add((device, family))
    return pairs


def main():
    dump, base, instance = sys.argv[1], sys.argv[2].rstrip('/'), sys.argv[3]
    quiet = '--quiet' in sys.argv[4:]
    expected, types = expected_families(dump)
    if not expected:
        print(f'no families in {dump}')
        sys.exit(1)
    stored = stored_families(base, instance, types)
    missing = sorted(expected - stored)
    unexpected = sorted(stored - expected)
    if not quiet or missing or unexpected:
        for device, family in missing:
            print(f'missing    {device}: {family} (rendered by the driver, not in Prometheus)')
        for device, family in unexpected:
            print(f'unexpected {device}: {family} (in Prometheus, not rendered)')
    devices = sorted({d for d, _ in expected})
    print(f'{instance}: {len(expected)} families of {len(devices)} devices '
          f'({", ".join(f"{d} {sum(1 for x, _ in expected if x == d)}" for d in devices)}) '
          f'rendered, {len(stored)} stored, {len(missing)} missing, {len(unexpected)} unexpected')
    sys.exit(1 if missing or unexpected else 0)


if __name__ == '__main__':
    main()
