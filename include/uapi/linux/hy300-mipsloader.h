/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * /dev/mipsloader: control of the H713 MIPS display co-processor
 * (sunxi-mipsloader). The Rust driver takes these layouts and constants from
 * this header through the project's generated bindings (rust/bindings);
 * drivers/misc/sunxi-mipsloader/uapi.rs adds the ioctl numbers.
 */
#ifndef _UAPI_LINUX_HY300_MIPSLOADER_H
#define _UAPI_LINUX_HY300_MIPSLOADER_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define MIPSLOADER_FW_NAME_MAX 64

/* Verify the image's CRC32 (IEEE 802.3, as zlib's crc32) against crc32. */
#define MIPSLOADER_LOAD_CHECK_CRC (1U << 0)

struct mipsloader_load {
	char name[MIPSLOADER_FW_NAME_MAX];	/* NUL-terminated, under /lib/firmware */
	__u32 flags;				/* MIPSLOADER_LOAD_* */
	__u32 crc32;				/* expected, with MIPSLOADER_LOAD_CHECK_CRC */
};

struct mipsloader_status {
	__u32 loaded;		/* 1 once firmware was loaded and started */
	__u32 firmware_size;	/* bytes */
	__u32 firmware_crc32;
	__u32 status_reg;	/* STATUS register, read by this call */
};

/* Keystone corners, each coordinate within -100..100. */
struct mipsloader_panel {
	__s32 top_left_x, top_left_y, top_right_x, top_right_y;
	__s32 bottom_left_x, bottom_left_y, bottom_right_x, bottom_right_y;
};

#define MIPSLOADER_IOC_MAGIC 'M'
#define MIPSLOADER_IOC_LOAD_FW		_IOW(MIPSLOADER_IOC_MAGIC, 1, struct mipsloader_load)
#define MIPSLOADER_IOC_RESTART		_IO(MIPSLOADER_IOC_MAGIC, 2)
#define MIPSLOADER_IOC_POWER_DOWN	_IO(MIPSLOADER_IOC_MAGIC, 3)
#define MIPSLOADER_IOC_GET_STATUS	_IOR(MIPSLOADER_IOC_MAGIC, 4, struct mipsloader_status)
#define MIPSLOADER_IOC_SET_PANEL	_IOW(MIPSLOADER_IOC_MAGIC, 5, struct mipsloader_panel)

/*
 * The C sunxi-mipsloader's ioctls are served too, with their numbers and
 * meaning: _IOW('M', 1, char *) (a NUL-terminated name, at most 63
 * characters), _IO('M', 2), _IO('M', 3) (the two above) and
 * _IOR('M', 4, int) (the STATUS register). They differ from LOAD_FW and
 * GET_STATUS above only in the size field. Commands that change the
 * co-processor need a descriptor opened for writing and CAP_SYS_RAWIO.
 */

#endif /* _UAPI_LINUX_HY300_MIPSLOADER_H */
