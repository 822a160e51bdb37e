# NixOS module for the HY300 drivers and their metrics:
#   imports = [ ./nix/module.nix ];  services.hy300.enable = true;
# Builds the out-of-tree modules against the configured kernel, loads them,
# enables node_exporter's textfile collector and runs the hy300 collector
# on a timer.
{ config, lib, pkgs, ... }:

let
  cfg = config.services.hy300;
  collector = pkgs.runCommand "hy300-textfile-collector" { } ''
    install -Dm755 ${../tools/monitoring/hy300-textfile-collector} $out/bin/hy300-textfile-collector
  '';
in
{
  options.services.hy300 = {
    enable = lib.mkEnableOption "the HY300 projector drivers and their Prometheus metrics";

    package = lib.mkOption {
      type = lib.types.package;
      default = config.boot.kernelPackages.callPackage ./package.nix { };
      defaultText = lib.literalExpression "config.boot.kernelPackages.callPackage ./package.nix { }";
      description = "The hy300 kernel modules, built for the configured kernel.";
    };

    modules = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [ "hy300_class" "hy300-keystone-motor" "sunxi-mipsloader" "sunxi-tvcap" ];
      description = "Modules to load at boot (the class core first).";
    };

    textfileDirectory = lib.mkOption {
      type = lib.types.str;
      default = "/var/lib/node_exporter/textfile_collector";
      description = "Directory where the collector publishes hy300.prom for node_exporter.";
    };

    interval = lib.mkOption {
      type = lib.types.str;
      default = "15s";
      description = "How often the collector publishes (systemd time span).";
    };

    nodeExporter.enable = lib.mkOption {
      type = lib.types.bool;
      default = true;
      description = "Enable node_exporter with the textfile collector reading textfileDirectory.";
    };
  };

  config = lib.mkIf cfg.enable {
    boot.extraModulePackages = [ cfg.package ];
    boot.kernelModules = cfg.modules;

    services.prometheus.exporters.node = lib.mkIf cfg.nodeExporter.enable {
      enable = true;
      enabledCollectors = [ "textfile" ];
      extraFlags = [ "--collector.textfile.directory=${cfg.textfileDirectory}" ];
    };

    systemd.tmpfiles.rules = [ "d ${cfg.textfileDirectory} 0755 root root -" ];

    systemd.services.hy300-textfile-collector = {
      description = "Publish hy300 driver metrics for node_exporter";
      path = [ pkgs.coreutils ];
      serviceConfig = {
        Type = "oneshot";
        ExecStart = "${collector}/bin/hy300-textfile-collector ${cfg.textfileDirectory}";
        ProtectSystem = "strict";
        ReadWritePaths = [ cfg.textfileDirectory ];
        PrivateTmp = true;
        NoNewPrivileges = true;
      };
    };

    systemd.timers.hy300-textfile-collector = {
      wantedBy = [ "timers.target" ];
      timerConfig = {
        OnBootSec = "10s";
        OnUnitActiveSec = cfg.interval;
        AccuracySec = "1s";
      };
    };
  };
}
