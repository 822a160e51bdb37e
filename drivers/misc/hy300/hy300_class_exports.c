// SPDX-License-Identifier: GPL-2.0
/*
 * Exports of the hy300 class core.
 *
 * Out-of-tree Rust modules cannot export symbols to each other yet, so, as
 * nova-core does, the two entry points implemented in Rust
 * (hy300_class_main.rs) are exported from C. No logic lives here.
 */
#include <linux/device.h>
#include <linux/export.h>

#include "hy300_class_exports.h"

EXPORT_SYMBOL_GPL(hy300_class_device_create);
EXPORT_SYMBOL_GPL(hy300_class_device_destroy);
