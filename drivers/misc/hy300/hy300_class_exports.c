// SPDX-License-Identifier: GPL-2.0
/*
 * Exports of the hy300 class core.
 *
 * Out-of-tree Rust modules cannot export symbols to each other yet, so, as
 * nova-core does, the two entry points implemented in Rust
 * (rust/hy300/class_core.rs, compiled into this module) are exported
 * from C. Besides those, only a shim
 * for a static inline the modules' Rust cannot call: no logic lives here.
 */
#include <linux/device.h>
#include <linux/export.h>
#include <linux/jiffies.h>
#include <linux/ratelimit.h>

#include "hy300_class_exports.h"

EXPORT_SYMBOL_GPL(hy300_class_device_create);
EXPORT_SYMBOL_GPL(hy300_class_device_destroy);

/*
 * ratelimit_state_init() is a static inline (it initialises the state's
 * raw spinlock); rust/hy300/ratelimit.rs calls it through this.
 */
void hy300_ratelimit_init(struct ratelimit_state *rs, unsigned int interval_ms,
			  unsigned int burst)
{
	ratelimit_state_init(rs, msecs_to_jiffies(interval_ms), burst);
}
EXPORT_SYMBOL_GPL(hy300_ratelimit_init);
