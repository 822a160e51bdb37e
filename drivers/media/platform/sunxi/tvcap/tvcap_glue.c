// SPDX-License-Identifier: GPL-2.0
/*
 * INIT_DELAYED_WORK is a macro (it also sets up the lockdep map of the
 * work), so Rust cannot call it; this is the only C in sunxi-tvcap.
 */
#include <linux/workqueue.h>

#include "tvcap_glue.h"

void hy300_tvcap_init_delayed_work(struct delayed_work *work, work_func_t func)
{
	INIT_DELAYED_WORK(work, func);
}
