# NixOS module for the HY300 drivers and their metrics:
#   imports = [ ./nix/module.nix ];  services.hy300.enable = true;
# Builds the out-of-tree modules against the configured kernel (which must
# have CONFIG_RUST=y), loads them, adds the drivers' device tree overlay and
# the co-processor firmware, and publishes the metrics for node_exporter's
# textfile collector -- without ever enabling node_exporter itself: the
# exporter is configured only when the user enables it.
#
# Two ways (Documentation/admin-guide/hy300-monitoring.rst):
# - metrics.method = "symlink" (default): on every add/remove of a
#   /sys/class/hy300 device, a udev rule runs hy300-textfile-links, which
#   links <directory>/hy300-<device>-<file>.prom to each topic file of the
#   devices bound now; node_exporter reads the kernel's text at every
#   scrape, no writer runs, an unbound device leaves no link.
# - metrics.method = "collector": a timer runs hy300-textfile-collector,
#   which merges and validates the files into <directory>/hy300.prom.
# Off by default: monitoring.alertRules installs the alert and recording
# rules into services.prometheus.rules, monitoring.grafanaDashboard the
# dashboard into Grafana's provisioning.
{ config, lib, pkgs, ... }:

let
  cfg = config.services.hy300;
  nodeCfg = config.services.prometheus.exporters.node;
  dir = cfg.metrics.directory;
  collector = pkgs.runCommand "hy300-textfile-collector" { } ''
    install -Dm755 ${../tools/monitoring/hy300-textfile-collector} $out/bin/hy300-textfile-collector
  '';
  links = pkgs.runCommand "hy300-textfile-links" { } ''
    install -Dm755 ${../tools/monitoring/hy300-textfile-links} $out/bin/hy300-textfile-links
  '';
  dashboards = pkgs.runCommand "hy300-grafana-dashboards" { } ''
    install -Dm644 ${../tools/monitoring/hy300-dashboard.json} $out/hy300-dashboard.json
  '';
  kernel = config.boot.kernelPackages.kernel;
  kernelHasRust = kernel ? config && kernel.config ? isYes && kernel.config.isYes "RUST";
  # Every way node_exporter may be given a textfile directory: its own
  # enabledCollectors entries become --collector.<entry> flags.
  textfileDirFlags =
    lib.filter (f: lib.hasPrefix "--collector.textfile.directory" f) nodeCfg.extraFlags
    ++ lib.filter (c: lib.hasPrefix "textfile.directory" c) nodeCfg.enabledCollectors;
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
      default = [ "hy300-keystone-motor" "sunxi-mipsloader" "sunxi-tvcap" ];
      description = ''
        Modules to load at boot. The class core hy300_class is loaded
        through their dependency on it (depmod), so it need not be listed.
      '';
    };

    deviceTree.enable = lib.mkOption {
      type = lib.types.bool;
      default = true;
      description = ''
        Add the drivers' nodes (sun50i-h713-hy300-drivers.dtso) to
        hardware.deviceTree.overlays; NixOS applies it to the .dtb files
        whose root compatible is allwinner,sun50i-h713.
      '';
    };

    firmware = lib.mkOption {
      type = lib.types.nullOr lib.types.package;
      default = null;
      example = lib.literalExpression ''pkgs.runCommand "hy300-firmware" { } "install -Dm644 ''${./display.bin} $out/lib/firmware/display.bin"'';
      description = ''
        A package with lib/firmware/display.bin (the MIPS co-processor's
        firmware, not redistributable), added to hardware.firmware.
      '';
    };

    metrics = {
      method = lib.mkOption {
        type = lib.types.enum [ "symlink" "collector" ];
        default = "symlink";
        description = ''
          "symlink": a udev rule links directory/hy300-<device>-<file>.prom
          to each topic file of the devices bound now (read at scrape time,
          no writer; an unbound device has no link).
          "collector": a timer writes one merged, validated hy300.prom.
        '';
      };

      directory = lib.mkOption {
        type = lib.types.str;
        default = "/var/lib/hy300/textfile";
        description = ''
          The module's own textfile directory (only hy300 files). When
          configureNodeExporter is set, node_exporter reads it; otherwise
          point node_exporter's --collector.textfile.directory at it.
        '';
      };

      interval = lib.mkOption {
        type = lib.types.str;
        default = "15s";
        description = "How often the collector way publishes (systemd time span).";
      };

      configureNodeExporter = lib.mkOption {
        type = lib.types.bool;
        default = true;
        description = ''
          When services.prometheus.exporters.node.enable is set (this module
          never sets it), add "textfile" and "textfile.directory=<directory>"
          to its enabledCollectors. Turn off if node_exporter already reads
          another textfile directory: it accepts the flag only once.
        '';
      };
    };

    monitoring = {
      alertRules.enable = lib.mkOption {
        type = lib.types.bool;
        default = false;
        description = ''
          Add the hy300 alert and recording rules (tools/monitoring/hy300-alerts.yml)
          to services.prometheus.rules, for the Prometheus of this host (which
          this module never enables).
        '';
      };
      grafanaDashboard.enable = lib.mkOption {
        type = lib.types.bool;
        default = false;
        description = ''
          Provision the hy300 Grafana dashboard (tools/monitoring/hy300-dashboard.json)
          through services.grafana.provision (a file provider named hy300), for
          the Grafana of this host (which this module never enables).
        '';
      };
    };
  };

  config = lib.mkMerge [
    (lib.mkIf cfg.monitoring.alertRules.enable {
      services.prometheus.rules = [ (builtins.readFile ../tools/monitoring/hy300-alerts.yml) ];
    })
    (lib.mkIf cfg.monitoring.grafanaDashboard.enable {
      services.grafana.provision.enable = true;
      services.grafana.provision.dashboards.settings.providers = [
        { name = "hy300"; options.path = "${dashboards}"; }
      ];
    })
    (lib.mkIf cfg.enable (lib.mkMerge [
    {
      assertions = [
        {
          assertion = kernelHasRust;
          message = "services.hy300: the kernel (boot.kernelPackages.kernel) needs CONFIG_RUST=y for the hy300 modules.";
        }
        {
          assertion = lib.length textfileDirFlags <= 1;
          message = ''
            services.hy300: node_exporter would get --collector.textfile.directory
            ${toString (lib.length textfileDirFlags)} times (${lib.concatStringsSep ", " textfileDirFlags});
            node_exporter refuses to start. Set services.hy300.metrics.configureNodeExporter = false
            and point your directory flag at ${dir}, or drop your own flag.
          '';
        }
      ];

      boot.extraModulePackages = [ cfg.package ];
      boot.kernelModules = cfg.modules;

      hardware.deviceTree.overlays = lib.mkIf cfg.deviceTree.enable [
        {
          name = "hy300-drivers";
          dtsFile = ../arch/arm64/boot/dts/allwinner/sun50i-h713-hy300-drivers.dtso;
        }
      ];
      hardware.firmware = lib.mkIf (cfg.firmware != null) [ cfg.firmware ];

      services.prometheus.exporters.node.enabledCollectors =
        lib.mkIf (cfg.metrics.configureNodeExporter && nodeCfg.enable) [ "textfile" "textfile.directory=${dir}" ];
    }

    (lib.mkIf (cfg.metrics.method == "symlink") {
      systemd.tmpfiles.rules = [ "d ${dir} 0755 root root -" ];
      services.udev.extraRules = ''
        SUBSYSTEM=="hy300", ACTION=="add", RUN+="${links}/bin/hy300-textfile-links ${dir}"
        SUBSYSTEM=="hy300", ACTION=="remove", RUN+="${links}/bin/hy300-textfile-links --remove %k ${dir}"
      '';
    })

    (lib.mkIf (cfg.metrics.method == "collector") {
      # A dedicated user owns the directory and runs the collector.
      users.users.hy300-metrics = {
        isSystemUser = true;
        group = "hy300-metrics";
        description = "hy300 textfile collector";
      };
      users.groups.hy300-metrics = { };
      systemd.tmpfiles.rules = [ "d ${dir} 0755 hy300-metrics hy300-metrics -" ];

      systemd.services.hy300-textfile-collector = {
        description = "Publish hy300 driver metrics for node_exporter";
        path = [ pkgs.coreutils ];
        serviceConfig = {
          Type = "oneshot";
          ExecStart = "${collector}/bin/hy300-textfile-collector ${dir}";
          User = "hy300-metrics";
          Group = "hy300-metrics";
          ReadWritePaths = [ dir ];
          ProtectSystem = "strict";
          ProtectHome = true;
          PrivateTmp = true;
          PrivateDevices = true;
          PrivateNetwork = true;
          PrivateUsers = true;
          NoNewPrivileges = true;
          CapabilityBoundingSet = "";
          ProtectKernelTunables = true;
          ProtectKernelModules = true;
          ProtectKernelLogs = true;
          ProtectControlGroups = true;
          ProtectClock = true;
          ProtectHostname = true;
          ProtectProc = "invisible";
          ProcSubset = "pid";
          RestrictAddressFamilies = "none";
          RestrictNamespaces = true;
          RestrictRealtime = true;
          RestrictSUIDSGID = true;
          LockPersonality = true;
          MemoryDenyWriteExecute = true;
          SystemCallArchitectures = "native";
          SystemCallFilter = [ "@system-service" "~@privileged @resources" ];
          IPAddressDeny = "any";
          UMask = "0022";
          DevicePolicy = "closed";
        };
      };

      systemd.timers.hy300-textfile-collector = {
        wantedBy = [ "timers.target" ];
        timerConfig = {
          OnBootSec = "10s";
          OnUnitActiveSec = cfg.metrics.interval;
          AccuracySec = "1s";
        };
      };
    })
  ]))
  ];
}
