# SPDX-License-Identifier: GPL-2.0
# Out-of-tree build of the hy300 modules (see `make help`):
#   make                                   against the running kernel
#   sudo make modules_install              into /lib/modules/$(uname -r)/updates, then depmod
#   make KDIR=/path/to/kernel/build        against another kernel build tree
#   make KDIR=... ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
#   make KDIR=... HY300_SIM=y              + QEMU simulation backends and board (tests only)
#   make KDIR=... CLIPPY=1                 with clippy (if the kernel's toolchain has it)
# The project's test scripts pass KDIR=<their cached test kernel> themselves.

KDIR ?= /lib/modules/$(shell uname -r)/build
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

modules modules_install clean: check-kdir
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(RUST_TOOLS) $@

# A tree lacking an option the modules need or the kernel's Rust metadata
# (a distribution's headers package) stops here, naming what is missing.
check-kdir:
	@sh $(CURDIR)/scripts/check-kdir '$(KDIR)'

help:
	@echo 'hy300 out-of-tree modules: hy300_class, hy300-keystone-motor, sunxi-mipsloader, sunxi-tvcap'
	@echo ''
	@echo 'Targets:'
	@echo '  modules          build the modules (default target)'
	@echo '  modules_install  install them into $$(INSTALL_MOD_PATH)/lib/modules/<kernel release>/updates and run depmod'
	@echo '  clean            remove the build products'
	@echo '  help             this text'
	@echo ''
	@echo 'Variables:'
	@echo '  KDIR=$(KDIR)'
	@echo '                   the kernel build tree (default: the running kernel'"'"'s, /lib/modules/$$(uname -r)/build);'
	@echo '                   it needs CONFIG_RUST=y and the Rust toolchain it was configured with'
	@echo '  ARCH, CROSS_COMPILE   cross builds, e.g. ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-'
	@echo '  INSTALL_MOD_PATH      staging root for modules_install (default: /)'
	@echo '  HY300_SIM=y           also build the QEMU simulation backends and tests/sim (tests only)'
	@echo '  CLIPPY=1              run clippy on the Rust code (when the kernel'"'"'s toolchain has it)'
	@echo '  KERNEL_RUSTC=$(KERNEL_RUSTC)'
	@echo '                   the rustc passed to the kernel'"'"'s make (Debian: rustc-web'"'"'s /usr/bin/rustc)'

.PHONY: all modules modules_install clean check-kdir help
