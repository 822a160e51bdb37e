#!/usr/bin/env bash
# Checks the Nix files with the Nix available here (Debian's nix-bin 2.8, no
# nixpkgs): every .nix file parses, and nix/module.nix evaluates against a
# stand-in lib to the expected options and config.
set -euo pipefail
cd "$(dirname "$0")/.."
for f in nix/*.nix tests/nix/*.nix; do
	nix-instantiate --store dummy:// --parse "$f" >/dev/null
	echo "nix: parses: $f"
done
json=$(nix-instantiate --store dummy:// --eval --strict --json tests/nix/eval-module.nix)
python3 - "$json" <<'EOP'
import json, sys
r = json.loads(sys.argv[1])
checks = {
    "options": r["optionNames"] == ["enable", "interval", "modules", "nodeExporter", "package", "textfileDirectory"],
    "every option documented": r["undocumentedOptions"] == [],
    "default modules, core first": r["defaultModules"][0] == "hy300_class",
    "mkIf on enable": r["enabledWhen"] == {"on": True, "off": False},
    "extraModulePackages": r["extraModulePackages"] == ["HY300-MODULES"],
    "kernelModules": r["kernelModules"] == r["defaultModules"],
    "node_exporter textfile": r["nodeExporter"]["condition"] is True
        and r["nodeExporter"]["content"]["enabledCollectors"] == ["textfile"]
        and r["nodeExporter"]["content"]["extraFlags"] == ["--collector.textfile.directory=/var/lib/node_exporter/textfile_collector"],
    "collector service": r["collectorExec"].endswith("/bin/hy300-textfile-collector /var/lib/node_exporter/textfile_collector"),
    "timer": r["timer"]["wantedBy"] == ["timers.target"] and r["timer"]["timerConfig"]["OnUnitActiveSec"] == "15s",
}
for name, ok in checks.items():
    print(f"nix: {'ok' if ok else 'FAIL'}: {name}")
sys.exit(0 if all(checks.values()) else 1)
EOP
