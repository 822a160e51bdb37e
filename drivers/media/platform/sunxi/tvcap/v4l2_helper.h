/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Input of scripts/v4l2-bindgen: the V4L2, videobuf2 and reset-controller
 * headers that the kernel's own Rust bindings (rust/bindings/
 * bindings_helper.h in 7.3) do not include.
 */
#include <linux/reset.h>
#include <media/v4l2-dev.h>
#include <media/v4l2-device.h>
#include <media/v4l2-fh.h>
#include <media/v4l2-ioctl.h>
#include <media/videobuf2-dma-contig.h>
#include <media/videobuf2-v4l2.h>
#include <media/v4l2-ctrls.h>
#include <media/v4l2-dv-timings.h>
#include <media/v4l2-event.h>
