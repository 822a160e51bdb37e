# SPDX-License-Identifier: GPL-2.0
# Build the hy300 modules against a kernel build tree:
#   make KDIR=/path/to/kernel/build                  device build
#   make KDIR=... ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
#   make KDIR=... HY300_SIM=y                        + QEMU simulation backends
#   make KDIR=... CLIPPY=1                           with clippy (if the kernel's toolchain has it)
# Without KDIR the project's cached QEMU test kernel is used (scripts/kernel).

KDIR ?= $(shell scripts/kernel dir)
# Debian: the kernel needs rustc-web's /usr/bin/rustc, not rustup's on PATH.
# Elsewhere (e.g. Nix) the kernel's own configuration decides.
KERNEL_RUSTC ?= $(wildcard /usr/bin/rustc)
RUST_TOOLS := $(if $(KERNEL_RUSTC),RUSTC=$(KERNEL_RUSTC) HOSTRUSTC=$(KERNEL_RUSTC) RUSTDOC=$(dir $(KERNEL_RUSTC))rustdoc CLIPPY_DRIVER=$(dir $(KERNEL_RUSTC))clippy-driver)

all: modules

modules clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(RUST_TOOLS) $@

.PHONY: all modules clean
