// SPDX-License-Identifier: GPL-2.0
/*
 * readbench N FILE...: reads each FILE N times (open, read to EOF, close),
 * interleaved so all files see the same machine state, and prints the mean
 * nanoseconds per read of each file and the bytes of its last read.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	static char buf[65536];
	long n = argc > 2 ? atol(argv[1]) : 0;
	int files = argc - 2;
	long long total[64] = { 0 };
	long bytes[64] = { 0 };

	if (n <= 0 || files < 1 || files > 64) {
		fprintf(stderr, "usage: readbench N FILE...\n");
		return 2;
	}
	for (long i = 0; i < n; i++) {
		for (int f = 0; f < files; f++) {
			const char *path = argv[2 + f];
			long long t0;
			int fd;
			ssize_t r, len = 0;

			t0 = now_ns();
			fd = open(path, O_RDONLY);
			if (fd < 0) {
				perror(path);
				return 1;
			}
			while ((r = read(fd, buf, sizeof(buf))) > 0)
				len += r;
			close(fd);
			if (r < 0) {
				perror(path);
				return 1;
			}
			total[f] += now_ns() - t0;
			bytes[f] = len;
		}
	}
	for (int f = 0; f < files; f++)
		printf("readbench: %s %lld ns/read %ld bytes\n", argv[2 + f], total[f] / n, bytes[f]);
	return 0;
}
