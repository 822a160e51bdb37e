/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the guest's V4L2 test programs share: an ioctl restarted when a
 * signal interrupts it, and a write to a knob of the simulated block
 * (/sys/kernel/debug/hy300-tvcap-sim).
 */
#ifndef HY300_V4L2UTIL_H
#define HY300_V4L2UTIL_H

#include <errno.h>
#include <linux/videodev2.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static inline int xioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	return r;
}

/* Writes VALUE to DIR/NAME: 0, or -1 with errno set. */
static inline int write_knob(const char *dir, const char *name, const char *value)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	n = write(fd, value, strlen(value));
	close(fd);
	if (n != (ssize_t)strlen(value)) {
		if (n >= 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

/* A little-endian 32-bit field of the simulated source's frame header. */
static inline uint32_t le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * Whether frame F, dequeued as B, starts with the simulated source's
 * header for it: "HY300TVC", B's sequence, W, H and FOURCC.
 */
static inline int frame_header_ok(const unsigned char *f, const struct v4l2_buffer *b, uint32_t w, uint32_t h,
				  uint32_t fourcc)
{
	return !memcmp(f, "HY300TVC", 8) && le32(f + 8) == b->sequence && le32(f + 12) == w && le32(f + 16) == h &&
	       le32(f + 20) == fourcc;
}

/*
 * The fill bytes of frame F (dequeued as B) that are not the source's: the
 * first byte of every 7th page past the first is the sequence plus the
 * page number.
 */
static inline long fill_mismatches(const unsigned char *f, const struct v4l2_buffer *b)
{
	long bad = 0;

	for (size_t k = 1; k * 4096 < b->bytesused; k += 7)
		if (f[k * 4096] != (unsigned char)(b->sequence + k))
			bad++;
	return bad;
}

/*
 * Follows a stream's sequence numbers: one that does not grow counts in
 * *BAD, the numbers skipped before SEQ in *GAPS; *PREV is the last one
 * (-1 before the first frame).
 */
static inline void count_sequence(uint32_t seq, long *prev, long *bad, long *gaps)
{
	if ((long)seq <= *prev)
		(*bad)++;
	else
		*gaps += (long)seq - *prev - 1;
	*prev = seq;
}

#endif
