#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Compares what node_exporter serves with the hy300.prom the guest wrote.

    check_scrape.py PROM_FILE SCRAPE_URL

Passes when node_textfile_scrape_error is 0 and every sample of PROM_FILE
is served with the same value (node_exporter reformats numbers, so values
are compared as floats). Prints one line per check.
"""
import re
import sys
import urllib.request

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def samples(text):
    out = {}
    for line in text.splitlines():
        if not line or line.startswith('#'):
            continue
        m = SAMPLE.match(line)
        if not m:
            raise SystemExit(f'unparsable line: {line!r}')
        labels = tuple(sorted(LABEL.findall(m.group(2) or '')))
        out[(m.group(1), labels)] = float(m.group(3))
    return out


def main():
    prom_file, url = sys.argv[1], sys.argv[2]
    expected = samples(open(prom_file).read())
    served = samples(urllib.request.urlopen(url, timeout=10).read().decode())
    failures = 0
    err = served.get(('node_textfile_scrape_error', ()))
    print(f'node_textfile_scrape_error = {err}')
    if err != 0.0:
        failures += 1
    for key, value in sorted(expected.items()):
        got = served.get(key)
        if got != value:
            print(f'MISMATCH {key}: guest {value}, node_exporter {got}')
            failures += 1
    families = {name for name, _ in expected}
    print(f'{len(expected)} samples in {len(families)} families compared, {failures} failures')
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
