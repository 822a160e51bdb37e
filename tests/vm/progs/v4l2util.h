/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the guest's V4L2 test programs share: an ioctl restarted when a
 * signal interrupts it, and a write to a knob of the simulated block
 * (/sys/kernel/debug/hy300-tvcap-sim).
 */
#ifndef HY300_V4L2UTIL_H
#define HY300_V4L2UTIL_H

#include <errno.h>
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

#endif
