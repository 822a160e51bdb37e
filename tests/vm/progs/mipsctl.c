// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
/*
 * Guest test tool for /dev/mipsloader (built static by scripts/vm).
 *
 *   mipsctl load NAME [CRC32]     MIPSLOADER_IOC_LOAD_FW (CRC check if given)
 *   mipsctl restart | powerdown   MIPSLOADER_IOC_RESTART / _POWER_DOWN
 *   mipsctl status                MIPSLOADER_IOC_GET_STATUS, printed
 *   mipsctl panel X1 Y1 ... X4 Y4 MIPSLOADER_IOC_SET_PANEL
 *   mipsctl crc FILE              CRC32 of FILE (zlib's), in hex
 *   mipsctl fuzz N SEED           N random ioctls: commands (ours, the C
 *                                 original's, random), argument bytes, sizes,
 *                                 NULL/unmapped/kernel/short pointers
 *   mipsctl -n NTH COMMAND...     COMMAND's ioctl with /proc/thread-self/fail-nth
 *                                 set to NTH around it only: its NTH
 *                                 allocation (slab or page, as configured in
 *                                 debugfs) fails. Then prints "fail-nth:
 *                                 injected" or "fail-nth: not reached" (the
 *                                 ioctl made fewer allocations; exit 3)
 *
 * Prints "ok" or "error: <errno name>" and exits 0 / 1 (fuzz: 0 unless the
 * device cannot be opened; it prints its seed first, so a crash or a kernel
 * report can be replayed). A failed open is reported the same way.
 *
 * MIPSCTL_FD=N uses the inherited descriptor N instead of opening the
 * device (a root-opened descriptor in a process that dropped its
 * privileges); MIPSCTL_RDONLY=1 opens it read-only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../../include/uapi/linux/hy300-mipsloader.h"
#include "crc32.h"
#include "xorshift.h"

_Static_assert(sizeof(struct mipsloader_load) == 72, "load layout");
_Static_assert(sizeof(struct mipsloader_status) == 16, "status layout");
_Static_assert(sizeof(struct mipsloader_panel) == 32, "panel layout");

/* -n NTH: /proc/thread-self/fail-nth, armed around one ioctl only. */
static int fail_nth_fd = -1, fail_nth, fail_nth_reached = -1;

static int do_ioctl(int fd, unsigned long cmd, void *arg)
{
	char left[16] = "";
	int ret, saved;

	if (fail_nth_fd < 0)
		return ioctl(fd, cmd, arg);
	if (dprintf(fail_nth_fd, "%d", fail_nth) < 0) {
		perror("fail-nth");
		exit(2);
	}
	ret = ioctl(fd, cmd, arg);
	saved = errno;
	/* Reading gives what is left: 0 once the failure was injected. */
	if (pread(fail_nth_fd, left, sizeof(left) - 1, 0) < 0) {
		perror("fail-nth");
		exit(2);
	}
	fail_nth_reached = atoi(left) == 0;
	if (!fail_nth_reached && dprintf(fail_nth_fd, "0") < 0) {
		perror("fail-nth");
		exit(2);
	}
	errno = saved;
	return ret;
}

static int report(int ret)
{
	int status = ret == 0 ? 0 : 1;

	if (ret == 0)
		puts("ok");
	else
		printf("error: %s\n", strerrorname_np(errno) ? strerrorname_np(errno) : "?");
	if (fail_nth_reached >= 0) {
		puts(fail_nth_reached ? "fail-nth: injected" : "fail-nth: not reached");
		if (!fail_nth_reached)
			status = 3;
	}
	return status;
}

static int open_dev(void)
{
	const char *inherited = getenv("MIPSCTL_FD");
	const char *rdonly = getenv("MIPSCTL_RDONLY");
	int fd;

	if (inherited)
		return atoi(inherited);
	fd = open("/dev/mipsloader", rdonly && *rdonly == '1' ? O_RDONLY : O_RDWR);
	if (fd < 0) {
		printf("open /dev/mipsloader\n");
		exit(report(-1) + 1);
	}
	return fd;
}

static int fuzz(long n, uint64_t seed)
{
	static const unsigned int cmds[] = {
		MIPSLOADER_IOC_LOAD_FW, MIPSLOADER_IOC_RESTART, MIPSLOADER_IOC_POWER_DOWN,
		MIPSLOADER_IOC_GET_STATUS, MIPSLOADER_IOC_SET_PANEL,
		/* The C original's numbers (same magic and numbers, other
		 * sizes): LOAD_FW took a char * (8 bytes here, 4 on arm32),
		 * GET_STATUS an int. */
		_IOW('M', 1, char *), _IOC(_IOC_WRITE, 'M', 1, 4), _IOR('M', 4, int),
	};
	static const char *names[] = { "display.bin", "hy300-test/valid.bin", "missing.bin",
				       "../display.bin", "/lib/firmware/display.bin", "a//b", "" };
	const unsigned int ncmds = sizeof(cmds) / sizeof(cmds[0]);
	/* buf is a page followed by a guard page, so a pointer near its end
	 * makes the kernel cross into unmapped memory, never into ours. */
	unsigned char *buf = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *unmapped = buf + 4096;

	if (buf == MAP_FAILED || mprotect(unmapped, 4096, PROT_NONE)) {
		perror("mmap");
		return 2;
	}
	int fd = open_dev();
	long errors = 0, successes = 0;

	printf("fuzz: %ld ioctls, seed %llu\n", n, (unsigned long long)seed);
	fflush(stdout);
	rng_seed(seed);
	for (int k = 0; k < 4096; k++)
		buf[k] = (unsigned char)rnd();
	for (long i = 0; i < n; i++) {
		unsigned int cmd;
		unsigned long arg;

		switch (rnd() % 4) {
		case 0: /* a valid command, or the C original's */
			cmd = cmds[rnd() % ncmds];
			break;
		case 1: /* our magic, random number, direction and size */
			cmd = _IOC(rnd() % 4, 'M', rnd() % 16, rnd() % 256);
			break;
		default: /* anything */
			cmd = (unsigned int)rnd();
			break;
		}
		/* The start of the page (every argument is smaller) and its
		 * end (where the short pointers point). */
		for (int k = 0; k < 256; k += 8) {
			uint64_t r = rnd();

			memcpy(buf + k, &r, 8);
			memcpy(buf + 4096 - 256 + k, &r, 8);
		}
		/* Keep loads from asking for real files most of the time;
		 * sometimes name a real (or nearly valid) one. */
		if (rnd() % 2)
			buf[rnd() % 72] = 0;
		if (rnd() % 16 == 0) {
			const char *name = names[rnd() % (sizeof(names) / sizeof(names[0]))];

			memcpy(buf, name, strlen(name) + 1);
		}
		switch (rnd() % 6) {
		case 0: arg = 0; break;
		case 1: arg = (unsigned long)unmapped; break;
		case 2: arg = (unsigned long)(rnd() | (1ul << 63)); break; /* non-user */
		case 3: arg = (unsigned long)(buf + 4096 - (rnd() % 40)); break; /* runs off the end */
		case 4: arg = (unsigned long)(rnd() % 65536); break; /* below mmap_min_addr */
		default: arg = (unsigned long)buf; break;
		}
		if (ioctl(fd, cmd, arg) == 0)
			successes++;
		else
			errors++;
	}
	printf("fuzz: %ld ioctls, %ld ok, %ld errors (seed %llu)\n", n, successes, errors,
	       (unsigned long long)seed);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	int fd;

	if (argc > 3 && !strcmp(argv[1], "-n")) {
		fail_nth = atoi(argv[2]);
		fail_nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
		if (fail_nth <= 0 || fail_nth_fd < 0) {
			perror("-n: /proc/thread-self/fail-nth");
			return 2;
		}
		argc -= 2;
		argv += 2;
	}
	if (argc < 2)
		goto usage;
	if (!strcmp(argv[1], "crc") && argc == 3) {
		FILE *f = fopen(argv[2], "rb");
		static unsigned char data[16 << 20];
		size_t n;

		if (!f)
			return perror(argv[2]), 1;
		n = fread(data, 1, sizeof(data), f);
		printf("%08x\n", crc32_buf(data, n));
		return 0;
	}
	if (!strcmp(argv[1], "fuzz") && argc == 4)
		return fuzz(atol(argv[2]), strtoull(argv[3], NULL, 0));
	fd = open_dev();
	if (!strcmp(argv[1], "load") && (argc == 3 || argc == 4)) {
		struct mipsloader_load req = { 0 };

		strncpy(req.name, argv[2], sizeof(req.name) - 1);
		if (argc == 4) {
			req.flags = MIPSLOADER_LOAD_CHECK_CRC;
			req.crc32 = strtoul(argv[3], NULL, 16);
		}
		return report(do_ioctl(fd, MIPSLOADER_IOC_LOAD_FW, &req));
	}
	if (!strcmp(argv[1], "restart") && argc == 2)
		return report(do_ioctl(fd, MIPSLOADER_IOC_RESTART, NULL));
	if (!strcmp(argv[1], "powerdown") && argc == 2)
		return report(do_ioctl(fd, MIPSLOADER_IOC_POWER_DOWN, NULL));
	if (!strcmp(argv[1], "status") && argc == 2) {
		struct mipsloader_status st;
		int ret = do_ioctl(fd, MIPSLOADER_IOC_GET_STATUS, &st);

		if (ret == 0)
			printf("loaded=%u size=%u crc32=%08x status=%08x\n", st.loaded,
			       st.firmware_size, st.firmware_crc32, st.status_reg);
		return report(ret);
	}
	if (!strcmp(argv[1], "panel") && argc == 10) {
		struct mipsloader_panel p;
		int32_t *v = &p.top_left_x;

		for (int i = 0; i < 8; i++)
			v[i] = atoi(argv[2 + i]);
		return report(do_ioctl(fd, MIPSLOADER_IOC_SET_PANEL, &p));
	}
usage:
	fprintf(stderr, "usage: see the comment at the top of mipsctl.c\n");
	return 2;
}
