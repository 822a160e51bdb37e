# Evaluates nix/module.nix with the real nixpkgs module system
# (lib.evalModules from <nixpkgs/lib>) against the NixOS option declarations
# of nixos-options.nix, in several configurations, and returns what
# tests/nix.sh checks. `wrong` (a name from wrongTypes below) instead forces
# one configuration with a badly typed value, which must fail to evaluate.
{ wrong ? null }:
let
  lib = import <nixpkgs/lib>;
  drv = name: { type = "derivation"; inherit name; outPath = "/nix/store/00000000000000000000000000000000-${name}"; };
  pkgs = {
    coreutils = drv "coreutils";
    runCommand = name: env: script: drv name;
  };
  kernelPackages = rust: {
    kernel = { version = "7.3.4"; config.isYes = option: rust && option == "RUST"; };
    callPackage = path: args: drv "hy300-modules-0.1.0-7.3.4";
  };
  eval = settings: lib.evalModules {
    modules = [
      ./nixos-options.nix
      ../../nix/module.nix
      { _module.args.pkgs = pkgs; boot.kernelPackages = lib.mkDefault (kernelPackages true); }
      settings
    ];
  };
  failed = config: map (a: a.message) (lib.filter (a: !a.assertion) config.assertions);
  summary = settings:
    let c = (eval settings).config;
    in {
      failedAssertions = failed c;
      nodeExporter = { inherit (c.services.prometheus.exporters.node) enable enabledCollectors extraFlags; };
      extraModulePackages = map (p: p.name) c.boot.extraModulePackages;
      kernelModules = c.boot.kernelModules;
      tmpfiles = c.systemd.tmpfiles.rules;
      udevRules = c.services.udev.extraRules;
      prometheusRules = c.services.prometheus.rules;
      grafanaProvision = c.services.grafana.provision.enable;
      grafanaProviders = if c.services.grafana.provision.dashboards.settings == null then [ ]
        else map (p: { inherit (p) name type; path = toString p.options.path; }) c.services.grafana.provision.dashboards.settings.providers;
      overlays = map (o: { inherit (o) name; dtsFile = toString o.dtsFile; }) c.hardware.deviceTree.overlays;
      firmware = map (p: p.name) c.hardware.firmware;
      services = lib.mapAttrs (n: s: s.serviceConfig) c.systemd.services;
      timers = lib.mapAttrs (n: t: { inherit (t) wantedBy timerConfig; }) c.systemd.timers;
      users = lib.mapAttrs (n: u: { inherit (u) isSystemUser group; }) c.users.users;
    };
  wrongTypes = {
    # the module's own options
    method = { services.hy300.enable = true; services.hy300.metrics.method = "timer"; };
    modules = { services.hy300.enable = true; services.hy300.modules = "hy300-keystone-motor"; };
    alertRules = { services.hy300.monitoring.alertRules.enable = "yes"; };
    # a NixOS option the module also defines: a string is not a firmware package
    firmware = { services.hy300.enable = true; hardware.firmware = [ "display.bin" ]; };
  };
  pkg = rust: import ../../nix/package.nix {
    inherit lib;
    stdenv.mkDerivation = attrs: attrs;
    kernel = (kernelPackages rust).kernel // { dev = "/kernel-dev"; modDirVersion = "7.3.4"; makeFlags = [ ]; moduleBuildDependencies = [ ]; };
    rust-bindgen = drv "rust-bindgen";
    llvmPackages.libclang.lib = "/libclang";
  };
in
if wrong != null then builtins.deepSeq (summary wrongTypes.${wrong}) "evaluated"
else {
  options = builtins.attrNames (eval { }).options.services.hy300;
  metricsOptions = builtins.attrNames (eval { }).options.services.hy300.metrics;
  monitoringOptions = builtins.attrNames (eval { }).options.services.hy300.monitoring;
  undocumented = lib.filter (o: (o.description or "") == "")
    (lib.collect lib.isOption (eval { }).options.services.hy300);
  disabled = summary { };
  # node_exporter left off by the user: it stays off, no flag is added.
  symlink = summary { services.hy300.enable = true; };
  # node_exporter enabled by the user: textfile + its directory through
  # enabledCollectors, added to the user's collectors, no extraFlags.
  userExporter = summary {
    services.hy300.enable = true;
    services.prometheus.exporters.node = { enable = true; enabledCollectors = [ "systemd" ]; };
  };
  # the user already gives a textfile directory: a second one is refused...
  duplicate = summary {
    services.hy300.enable = true;
    services.prometheus.exporters.node = { enable = true; extraFlags = [ "--collector.textfile.directory=/srv/textfile" ]; };
  };
  # ...unless the module leaves the exporter alone.
  ownDirectory = summary {
    services.hy300 = { enable = true; metrics.configureNodeExporter = false; metrics.directory = "/srv/textfile"; };
    services.prometheus.exporters.node = { enable = true; extraFlags = [ "--collector.textfile.directory=/srv/textfile" ]; };
  };
  collector = summary {
    services.hy300 = { enable = true; metrics.method = "collector"; metrics.interval = "30s"; firmware = drv "hy300-firmware"; deviceTree.enable = false; };
  };
  # a central Prometheus/Grafana host: rules and dashboard without the drivers.
  monitoring = summary { services.hy300.monitoring = { alertRules.enable = true; grafanaDashboard.enable = true; }; };
  alertsFile = builtins.readFile ../../tools/monitoring/hy300-alerts.yml;
  noRust = summary { services.hy300.enable = true; boot.kernelPackages = kernelPackages false; };
  package = { rust = (pkg true).meta; noRust = (pkg false).meta; };
}
