#!/usr/bin/env bash
# Checks the Nix files with the Nix available here (Debian's nix-bin 2.8,
# always --store dummy://): every .nix file parses; nix/module.nix and
# nix/package.nix evaluate with the real nixpkgs lib (lib.evalModules,
# lib.types) taken from <nixpkgs/lib> on NIX_PATH, against declarations of
# the NixOS options the module sets with nixpkgs' types
# (tests/nix/nixos-options.nix), to the expected config in each
# configuration of tests/nix/eval-module.nix; badly typed values are
# rejected. Without <nixpkgs/lib> on NIX_PATH the evaluation is skipped
# (exit 77): point NIX_PATH at a nixpkgs checkout (nixpkgs=/path/to/nixpkgs).
set -euo pipefail
cd "$(dirname "$0")/.."
nix() { nix-instantiate --store dummy:// "$@"; }
for f in nix/*.nix tests/nix/*.nix; do
	nix --parse "$f" >/dev/null
	echo "nix: parses: $f"
done
if ! lib=$(nix --find-file nixpkgs/lib 2>/dev/null); then
	echo "SKIP no <nixpkgs/lib> on NIX_PATH (NIX_PATH=nixpkgs=/path/to/nixpkgs): module not evaluated"
	exit 77
fi
echo "nix: nixpkgs lib $(nix --eval --expr '(import <nixpkgs/lib>).version') from $lib"
json=$(nix --eval --strict --json --arg wrong null tests/nix/eval-module.nix)
python3 - "$json" <<'EOP'
import json, sys
r = json.loads(sys.argv[1])
dir = "/var/lib/hy300/textfile"
links = [f"d {dir} 0755 root root -"]
def udev(directory):
    helper = "/nix/store/00000000000000000000000000000000-hy300-textfile-links/bin/hy300-textfile-links"
    return (f'SUBSYSTEM=="hy300", ACTION=="add", RUN+="{helper} {directory}"\n'
            f'SUBSYSTEM=="hy300", ACTION=="remove", RUN+="{helper} --remove %k {directory}"\n')
off = {"enable": False, "enabledCollectors": [], "extraFlags": []}
s, u, d, o, c, n, m = (r[k] for k in ("symlink", "userExporter", "duplicate", "ownDirectory", "collector", "noRust", "monitoring"))
svc = c["services"].get("hy300-textfile-collector", {})
checks = {
    "options": r["options"] == ["deviceTree", "enable", "firmware", "metrics", "modules", "monitoring", "package"]
        and r["metricsOptions"] == ["configureNodeExporter", "directory", "interval", "method"]
        and r["monitoringOptions"] == ["alertRules", "grafanaDashboard"],
    "every option documented": r["undocumented"] == [],
    "disabled: no config": r["disabled"]["kernelModules"] == [] and r["disabled"]["tmpfiles"] == []
        and r["disabled"]["udevRules"] == "" and r["disabled"]["prometheusRules"] == []
        and r["disabled"]["grafanaProvision"] is False and r["disabled"]["grafanaProviders"] == []
        and r["disabled"]["overlays"] == [] and r["disabled"]["nodeExporter"] == off,
    "modules built for the kernel and loaded (core through depmod)": s["extraModulePackages"] == ["hy300-modules-0.1.0-7.3.4"]
        and s["kernelModules"] == ["hy300-keystone-motor", "sunxi-mipsloader", "sunxi-tvcap"],
    "node_exporter never enabled by the module, no flag added": s["nodeExporter"] == off,
    "symlink way: udev rule running the link helper on add/remove, no timer": s["tmpfiles"] == links
        and s["udevRules"] == udev(dir) and s["services"] == {} and s["timers"] == {},
    "drivers alone: no rules, no dashboard (both off by default)": s["prometheusRules"] == [] and s["grafanaProviders"] == [],
    "monitoring options: the shipped rules into services.prometheus.rules, the dashboard provisioned, no drivers":
        m["prometheusRules"] == [r["alertsFile"]] and m["grafanaProvision"] is True
        and m["grafanaProviders"] == [{"name": "hy300", "type": "file",
            "path": "/nix/store/00000000000000000000000000000000-hy300-grafana-dashboards"}]
        and m["kernelModules"] == [] and m["udevRules"] == "",
    "DT overlay through hardware.deviceTree.overlays": s["overlays"] == [{"name": "hy300-drivers",
        "dtsFile": s["overlays"][0]["dtsFile"] if s["overlays"] else None}]
        and s["overlays"][0]["dtsFile"].endswith("/arch/arm64/boot/dts/allwinner/sun50i-h713-hy300-drivers.dtso"),
    "no firmware unless given": s["firmware"] == [],
    "assertions hold": s["failedAssertions"] == [] and u["failedAssertions"] == [] and o["failedAssertions"] == [],
    "user's node_exporter: textfile + directory through enabledCollectors, no extraFlags": u["nodeExporter"] == {
        "enable": True, "enabledCollectors": ["systemd", "textfile", f"textfile.directory={dir}"], "extraFlags": []},
    "a second textfile directory is refused": len(d["failedAssertions"]) == 1
        and "--collector.textfile.directory" in d["failedAssertions"][0] and "configureNodeExporter" in d["failedAssertions"][0],
    "configureNodeExporter = false leaves the exporter alone": o["nodeExporter"] == {
        "enable": True, "enabledCollectors": [], "extraFlags": ["--collector.textfile.directory=/srv/textfile"]}
        and o["udevRules"] == udev("/srv/textfile"),
    "collector way: service as a dedicated user, timer": svc.get("ExecStart", "").endswith(f"/bin/hy300-textfile-collector {dir}")
        and svc.get("User") == "hy300-metrics" and svc.get("CapabilityBoundingSet") == ""
        and svc.get("RestrictAddressFamilies") == "none" and svc.get("SystemCallFilter", [None])[0] == "@system-service"
        and c["users"] == {"hy300-metrics": {"group": "hy300-metrics", "isSystemUser": True}}
        and c["tmpfiles"] == [f"d {dir} 0755 hy300-metrics hy300-metrics -"]
        and c["timers"]["hy300-textfile-collector"]["timerConfig"]["OnUnitActiveSec"] == "30s"
        and c["timers"]["hy300-textfile-collector"]["wantedBy"] == ["timers.target"],
    "firmware through hardware.firmware": c["firmware"] == ["hy300-firmware"],
    "deviceTree.enable = false: no overlay": c["overlays"] == [],
    "kernel without CONFIG_RUST: assertion fails": n["failedAssertions"] == [
        "services.hy300: the kernel (boot.kernelPackages.kernel) needs CONFIG_RUST=y for the hy300 modules."],
    "package.nix: meta.platforms, meta.broken without Rust": r["package"]["rust"]["platforms"] == ["aarch64-linux", "x86_64-linux"]
        and r["package"]["rust"]["broken"] is False and r["package"]["noRust"]["broken"] is True,
}
for name, ok in checks.items():
    print(f"nix: {'ok' if ok else 'FAIL'}: {name}")
if not all(checks.values()):
    print(json.dumps(r, indent=1, sort_keys=True))
    sys.exit(1)
EOP
for wrong in method modules alertRules firmware; do
	if out=$(nix --eval --strict --argstr wrong "$wrong" tests/nix/eval-module.nix 2>&1); then
		echo "nix: FAIL: a badly typed value ($wrong) evaluated: $out"
		exit 1
	fi
	grep -q 'is not of type' <<<"$out" || { echo "nix: FAIL: $wrong failed for another reason: $out"; exit 1; }
	echo "nix: ok: rejected ($wrong): $(grep -m1 -o "option .* is not of type [^.]*" <<<"$out")"
done
