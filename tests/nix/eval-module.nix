# Evaluates nix/module.nix against tests/nix/stub-lib.nix and returns what
# tests/nix.sh checks: option declarations and the config for enable on/off.
let
  lib = import ./stub-lib.nix;
  pkgs = {
    coreutils = "COREUTILS";
    runCommand = name: env: script: "/nix/store/00000000000000000000000000000000-${name}";
  };
  settings = enable: {
    services.hy300 = {
      inherit enable;
      package = "HY300-MODULES";
      modules = [ "hy300_class" "hy300-keystone-motor" "sunxi-mipsloader" "sunxi-tvcap" ];
      textfileDirectory = "/var/lib/node_exporter/textfile_collector";
      interval = "15s";
      nodeExporter.enable = true;
    };
    boot.kernelPackages.callPackage = path: args: "HY300-MODULES";
  };
  eval = enable: import ../../nix/module.nix { inherit lib pkgs; config = settings enable; };
  on = eval true;
  off = eval false;
  options = on.options.services.hy300;
  described = name: opt: opt ? description && opt.description != "";
in
{
  optionNames = builtins.attrNames options;
  undocumentedOptions = builtins.filter (n: options.${n} ? _type && !(described n options.${n})) (builtins.attrNames options)
    ++ (if described "nodeExporter.enable" options.nodeExporter.enable then [ ] else [ "nodeExporter.enable" ]);
  defaultModules = options.modules.default;
  enabledWhen = { on = on.config.condition; off = off.config.condition; };
  extraModulePackages = on.config.content.boot.extraModulePackages;
  kernelModules = on.config.content.boot.kernelModules;
  nodeExporter = on.config.content.services.prometheus.exporters.node;
  collectorExec = on.config.content.systemd.services.hy300-textfile-collector.serviceConfig.ExecStart;
  timer = on.config.content.systemd.timers.hy300-textfile-collector;
}
