# Declarations of the NixOS options nix/module.nix sets or reads, with the
# types nixpkgs declares them with (nixos/modules/system/boot/kernel.nix,
# hardware/device-tree.nix, hardware/firmware, services/monitoring/
# prometheus/exporters{,/node}.nix, services/monitoring/prometheus/default.nix
# (rules), services/monitoring/grafana.nix (provision.dashboards),
# services/hardware/udev.nix (extraRules), system/boot/systemd/tmpfiles.nix,
# lib/systemd-unit-options.nix, config/users-groups.nix, misc/assertions.nix),
# reduced to the options the module touches, so lib.evalModules from the real
# nixpkgs lib type-checks and merges its definitions as NixOS would.
{ lib, ... }:

let
  inherit (lib) mkOption types;
  # nixpkgs' systemd unitOption: a value, or a list (repeatable option) whose
  # definitions are concatenated.
  unitOption = lib.mkOptionType {
    name = "systemd option";
    merge = loc: defs:
      let defs' = lib.filterOverrides defs;
      in
      if lib.isList (lib.head defs').value
      then lib.concatMap (def: if lib.isList def.value then def.value else throw "mixed list and non-list definitions for ${lib.showOption loc}") defs'
      else lib.mergeEqualOption loc defs';
  };
  unit = extra: types.submodule {
    options = {
      description = mkOption { type = types.singleLineStr; default = ""; };
      wantedBy = mkOption { type = types.listOf types.str; default = [ ]; };
      after = mkOption { type = types.listOf types.str; default = [ ]; };
    } // extra;
  };
  overlayType = types.submodule {
    options = {
      name = mkOption { type = types.str; };
      dtsFile = mkOption { type = types.nullOr types.path; default = null; };
      dtsText = mkOption { type = types.nullOr types.str; default = null; };
      dtboFile = mkOption { type = types.nullOr types.path; default = null; };
    };
  };
in
{
  options = {
    assertions = mkOption { type = types.listOf types.unspecified; default = [ ]; internal = true; };
    warnings = mkOption { type = types.listOf types.str; default = [ ]; internal = true; };

    boot.kernelPackages = mkOption { type = types.raw; };
    boot.extraModulePackages = mkOption { type = types.listOf types.package; default = [ ]; };
    boot.kernelModules = mkOption { type = types.listOf types.str; default = [ ]; };

    hardware.firmware = mkOption { type = types.listOf types.package; default = [ ]; };
    hardware.deviceTree.enable = mkOption { type = types.bool; default = false; };
    hardware.deviceTree.overlays = mkOption {
      type = types.listOf (types.coercedTo types.path (path: { name = baseNameOf path; dtboFile = path; }) overlayType);
      default = [ ];
    };

    services.prometheus.exporters.node = {
      enable = lib.mkEnableOption "the prometheus node exporter";
      enabledCollectors = mkOption { type = types.listOf types.str; default = [ ]; };
      disabledCollectors = mkOption { type = types.listOf types.str; default = [ ]; };
      extraFlags = mkOption { type = types.listOf types.str; default = [ ]; };
    };

    services.prometheus.rules = mkOption { type = types.listOf types.str; default = [ ]; };
    services.grafana.provision.enable = mkOption { type = types.bool; default = false; };
    services.grafana.provision.dashboards.settings = mkOption {
      type = types.nullOr (types.submodule {
        options.apiVersion = mkOption { type = types.int; default = 1; };
        options.providers = mkOption {
          type = types.listOf (types.submodule {
            options = {
              name = mkOption { type = types.str; default = "default"; };
              type = mkOption { type = types.str; default = "file"; };
              options.path = mkOption { type = types.path; };
            };
          });
          default = [ ];
        };
      });
      default = null;
    };
    services.udev.extraRules = mkOption { type = types.lines; default = ""; };

    systemd.tmpfiles.rules = mkOption { type = types.listOf types.str; default = [ ]; };
    systemd.services = mkOption {
      type = types.attrsOf (unit {
        path = mkOption { type = types.listOf (types.oneOf [ types.package types.str ]); default = [ ]; };
        serviceConfig = mkOption { type = types.attrsOf unitOption; default = { }; };
      });
      default = { };
    };
    systemd.timers = mkOption {
      type = types.attrsOf (unit {
        timerConfig = mkOption { type = types.attrsOf unitOption; default = { }; };
      });
      default = { };
    };

    users.users = mkOption {
      type = types.attrsOf (types.submodule {
        options = {
          isSystemUser = mkOption { type = types.bool; default = false; };
          group = mkOption { type = types.str; default = ""; };
          description = mkOption { type = types.passwdEntry types.str; default = ""; };
        };
      });
      default = { };
    };
    users.groups = mkOption {
      type = types.attrsOf (types.submodule {
        options.gid = mkOption { type = types.nullOr types.int; default = null; };
      });
      default = { };
    };
  };
}
