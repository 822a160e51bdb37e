/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The ioctls of the C sunxi-mipsloader (shift/sun50iw12p1-research,
 * drivers/misc/sunxi-mipsloader.c), as a program built for that driver
 * defines them. The Rust driver serves the same numbers with the same
 * meaning beside its extended ones (include/uapi/linux/hy300-mipsloader.h).
 */
#ifndef MIPSLOADER_ORIG_H
#define MIPSLOADER_ORIG_H

#include <linux/ioctl.h>

#define MIPSLOADER_IOC_MAGIC		'M'
#define MIPSLOADER_IOC_LOAD_FW		_IOW(MIPSLOADER_IOC_MAGIC, 1, char *)
#define MIPSLOADER_IOC_RESTART		_IO(MIPSLOADER_IOC_MAGIC, 2)
#define MIPSLOADER_IOC_POWERDOWN	_IO(MIPSLOADER_IOC_MAGIC, 3)
#define MIPSLOADER_IOC_GET_STATUS	_IOR(MIPSLOADER_IOC_MAGIC, 4, int)

#endif
