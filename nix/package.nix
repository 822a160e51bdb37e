# The hy300 out-of-tree kernel modules for a kernel from nixpkgs:
#   config.boot.kernelPackages.callPackage ./nix/package.nix { }
# The kernel must have CONFIG_RUST=y (and the Rust firmware loader
# abstractions for sunxi-mipsloader). The modules' C bindings (V4L2, vb2,
# GPIO, the project's glue and UAPI: rust/bindings) are generated at build
# time with the kernel's recorded bindgen command (scripts/hy300-bindgen),
# so bindgen and libclang are build inputs.
{ lib, stdenv, kernel, rust-bindgen, llvmPackages }:

let
  # nixpkgs' kernels carry their configuration (kernel.config.isYes); a
  # kernel without CONFIG_RUST=y cannot build these modules.
  kernelHasRust = kernel ? config && kernel.config ? isYes && kernel.config.isYes "RUST";
in

stdenv.mkDerivation {
  pname = "hy300-modules";
  version = "0.1.0-${kernel.version}";

  src = lib.cleanSource ../.;

  nativeBuildInputs = kernel.moduleBuildDependencies ++ [ rust-bindgen ];
  LIBCLANG_PATH = "${llvmPackages.libclang.lib}/lib";
  makeFlags = kernel.makeFlags ++ [
    "KDIR=${kernel.dev}/lib/modules/${kernel.modDirVersion}/build"
  ];
  buildFlags = [ "modules" ];

  installPhase = ''
    runHook preInstall
    for ko in drivers/misc/*/*.ko drivers/media/platform/sunxi/tvcap/*.ko; do
      install -Dm644 "$ko" "$out/lib/modules/${kernel.modDirVersion}/extra/$(basename "$ko")"
    done
    runHook postInstall
  '';

  meta = {
    description = "Rust kernel drivers for the HY300 projector with in-kernel Prometheus metrics";
    license = lib.licenses.gpl2Only;
    # The HY300 is aarch64; x86_64 runs the QEMU test guest.
    platforms = [ "aarch64-linux" "x86_64-linux" ];
    broken = !kernelHasRust;
  };
}
