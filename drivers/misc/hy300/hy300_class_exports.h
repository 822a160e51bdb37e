/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hy300 class core's two entry points, implemented in Rust
 * (rust/hy300/class_core.rs) and exported by hy300_class_exports.c, and that
 * file's ratelimit_state_init() shim. Included by
 * that file and by rust/bindings/hy300_bindings_helper.h, from which the
 * modules' Rust declarations are generated.
 */
#ifndef HY300_CLASS_EXPORTS_H
#define HY300_CLASS_EXPORTS_H

struct attribute_group;
struct device;
struct ratelimit_state;

int hy300_class_device_create(const char *name, struct device *parent,
			      const struct attribute_group **groups,
			      void *drvdata, struct device **dev);
void hy300_class_device_destroy(struct device *dev);
void hy300_ratelimit_init(struct ratelimit_state *rs, unsigned int interval_ms,
			  unsigned int burst);

#endif /* HY300_CLASS_EXPORTS_H */
