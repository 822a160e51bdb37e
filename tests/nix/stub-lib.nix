# A minimal stand-in for nixpkgs' lib (unavailable offline): just enough of
# the module-system vocabulary to evaluate nix/module.nix and inspect it.
rec {
  mkOption = attrs: attrs // { _type = "option"; };
  mkEnableOption = name: mkOption {
    type = types.bool;
    default = false;
    description = "Whether to enable ${name}.";
  };
  mkIf = condition: content: { _type = "if"; inherit condition content; };
  literalExpression = text: { _type = "literalExpression"; inherit text; };
  types = {
    bool = "bool";
    str = "str";
    package = "package";
    listOf = t: "listOf ${t}";
  };
  cleanSource = p: p;
  licenses.gpl2Only = "GPL-2.0-only";
}
