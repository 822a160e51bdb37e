// SPDX-License-Identifier: GPL-2.0
/*
 * failnth N FILE TEXT: writes TEXT to FILE (a sysfs bind file, say) with
 * /proc/self/fail-nth set to N for that write only, so the N-th slab
 * allocation made by the write (for bind: the driver's probe) fails. FILE is
 * opened before and fail-nth read back after, so nothing but the write is
 * counted. Exit status: 0 the write succeeded though the failure was
 * injected (the kernel tolerated it), 1 the write failed (the injected
 * failure; errno on stderr), 3 the write succeeded having made fewer than
 * N allocations (nothing injected: N is past the last one), 2 anything else
 * (the write failed with nothing injected, usage, setup).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char arm[16], left[16] = "";
	int fd, nth, ok;
	ssize_t len;

	if (argc != 4 || atoi(argv[1]) <= 0)
		return fprintf(stderr, "usage: failnth N FILE TEXT\n"), 2;
	nth = open("/proc/self/fail-nth", O_RDWR);
	fd = open(argv[2], O_WRONLY);
	if (nth < 0 || fd < 0)
		return perror("failnth: open"), 2;
	len = snprintf(arm, sizeof(arm), "%d", atoi(argv[1]));
	if (pwrite(nth, arm, len, 0) != len)
		return perror("failnth: arm"), 2;
	ok = write(fd, argv[3], strlen(argv[3])) == (ssize_t)strlen(argv[3]);
	int err = errno;
	/* fail-nth counts down to 0, where the allocation fails. */
	if (pread(nth, left, sizeof(left) - 1, 0) <= 0 || pwrite(nth, "0", 1, 0) != 1)
		return perror("failnth: disarm"), 2;
	if (!ok)
		fprintf(stderr, "failnth: write %s: %s%s\n", argv[2], strerror(err),
			atoi(left) ? " (nothing injected)" : "");
	if (atoi(left))
		return ok ? 3 : 2;
	return ok ? 0 : 1;
}
