/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sunxi-tvcap's C glue (tvcap_glue.c), for what Rust cannot call: included
 * by the glue and by rust/bindings/hy300_bindings_helper.h.
 */
#ifndef HY300_TVCAP_GLUE_H
#define HY300_TVCAP_GLUE_H

#include <linux/workqueue.h>

void hy300_tvcap_init_delayed_work(struct delayed_work *work, work_func_t func);

#endif /* HY300_TVCAP_GLUE_H */
