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
# A kernel built by clang (CONFIG_CC_IS_CLANG, e.g. the KASAN debug kernel
# built with LLVM=-19) needs its modules built by the same toolchain: pass
# LLVM=-<clang major> when that clang-<major> is installed (Debian), else
# LLVM=1. An LLVM given on the command line wins.
ifeq ($(origin LLVM),undefined)
KDIR_CLANG := $(shell sed -n 's/^CONFIG_CLANG_VERSION=\([1-9][0-9]*\)[0-9][0-9][0-9][0-9]$$/\1/p' $(KDIR)/.config 2>/dev/null)
ifneq ($(KDIR_CLANG),)
LLVM := $(if $(shell command -v clang-$(KDIR_CLANG)),-$(KDIR_CLANG),1)
RUST_TOOLS += LLVM=$(LLVM)
endif
endif

all: modules

modules clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(RUST_TOOLS) $@

.PHONY: all modules clean
