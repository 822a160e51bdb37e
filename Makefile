# SPDX-License-Identifier: GPL-2.0
# Build the hy300 modules against a kernel build tree:
#   make KDIR=/path/to/kernel/build            (modules)
#   make KDIR=... CLIPPY=1                     (with clippy)
# Without KDIR the project's cached QEMU test kernel is used (scripts/kernel).

KDIR ?= $(shell scripts/kernel dir)
RUST_TOOLS := RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc HOSTRUSTC=/usr/bin/rustc

all: modules

modules clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(RUST_TOOLS) $@

.PHONY: all modules clean
