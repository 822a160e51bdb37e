/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one input of scripts/hy300-bindgen: every C interface the hy300
 * modules call that 7.3's own Rust bindings (rust/bindings/
 * bindings_helper.h of the kernel) leave out, and the project's own C.
 * Generated at build time into rust/bindings/hy300_bindings_generated.rs,
 * which rust/bindings/mod.rs includes in every module; the allowlist in
 * scripts/hy300-bindgen names what is taken from each header.
 */

/*
 * sunxi-tvcap (through the typed layer rust/v4l2): V4L2 with its events
 * and DV timings, videobuf2 (dma-contig), reset controllers.
 */
#include <linux/reset.h>
#include <media/v4l2-ctrls.h>
#include <media/v4l2-dev.h>
#include <media/v4l2-dv-timings.h>
#include <media/v4l2-event.h>
#include <media/v4l2-device.h>
#include <media/v4l2-fh.h>
#include <media/v4l2-ioctl.h>
#include <media/videobuf2-dma-contig.h>
#include <media/videobuf2-v4l2.h>

/* hy300-keystone-motor: the GPIO consumer API. */
#include <linux/gpio/consumer.h>

/* sunxi-mipsloader: the reserved memory's node to a resource. */
#include <linux/of_address.h>

/*
 * tests/sim (the QEMU guest's board): fixed-rate clocks and their clkdev
 * lookups, GPIO lookup tables, platform devices from nodes, the
 * interrupt simulator (rust/hy300/irq_sim.rs), the reset controller
 * the capture block's device node takes its reset line from
 * (tests/sim/tvcap_model.rs).
 */
#include <linux/clk-provider.h>
#include <linux/clkdev.h>
#include <linux/gpio/machine.h>
#include <linux/irq_sim.h>
#include <linux/of_platform.h>
#include <linux/reset-controller.h>

/*
 * Kernel library facilities the modules use instead of their own copies:
 * CRC-32 (sunxi-mipsloader's firmware check), rate limits for log lines
 * (rust/hy300/ratelimit.rs), strict integer parsing of control-file writes
 * (rust/hy300/input.rs).
 */
#include <linux/crc32.h>
#include <linux/kstrtox.h>
#include <linux/ratelimit_types.h>

/* The project's own C: the prototypes of its glue, next to the glue. */
#include "../../drivers/misc/hy300/hy300_class_exports.h"

/* The project's UAPI: /dev/mipsloader's ioctl argument layouts. */
#include "../../include/uapi/linux/hy300-mipsloader.h"
