// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
/*
 * Guest test tool: /dev/mipsloader through the C original's ioctls only
 * (mipsloader-orig.h), as a program written for that driver uses them.
 *
 *   mipsorig load NAME          MIPSLOADER_IOC_LOAD_FW, NAME passed by pointer
 *   mipsorig load-at-end NAME   the same with NAME ending exactly at a page
 *                               followed by an unmapped page
 *   mipsorig load-unterminated  65 bytes without a NUL, then the unmapped page
 *   mipsorig load-null          a NULL pointer
 *   mipsorig restart | powerdown
 *   mipsorig status             MIPSLOADER_IOC_GET_STATUS: the int, in hex
 *
 * Prints "ok" or "error: <errno name>" and exits 0 / 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mipsloader-orig.h"

static int report(int ret)
{
	if (ret == 0) {
		puts("ok");
		return 0;
	}
	printf("error: %s\n", strerrorname_np(errno) ? strerrorname_np(errno) : "?");
	return 1;
}

/* A page whose end is followed by an inaccessible page. */
static char *page_before_guard(void)
{
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || mprotect(p + 4096, 4096, PROT_NONE))
		return NULL;
	return p;
}

int main(int argc, char **argv)
{
	int fd = open("/dev/mipsloader", O_RDWR);
	char *page;

	if (fd < 0 || argc < 2)
		return report(-1) + 1;
	if (!strcmp(argv[1], "load") && argc == 3)
		return report(ioctl(fd, MIPSLOADER_IOC_LOAD_FW, argv[2]));
	if (!strcmp(argv[1], "load-at-end") && argc == 3) {
		size_t n = strlen(argv[2]) + 1;

		page = page_before_guard();
		if (!page)
			return report(-1);
		memcpy(page + 4096 - n, argv[2], n);
		return report(ioctl(fd, MIPSLOADER_IOC_LOAD_FW, page + 4096 - n));
	}
	if (!strcmp(argv[1], "load-unterminated") && argc == 2) {
		page = page_before_guard();
		if (!page)
			return report(-1);
		memset(page + 4096 - 65, 'a', 65);
		return report(ioctl(fd, MIPSLOADER_IOC_LOAD_FW, page + 4096 - 65));
	}
	if (!strcmp(argv[1], "load-null") && argc == 2)
		return report(ioctl(fd, MIPSLOADER_IOC_LOAD_FW, NULL));
	if (!strcmp(argv[1], "restart") && argc == 2)
		return report(ioctl(fd, MIPSLOADER_IOC_RESTART));
	if (!strcmp(argv[1], "powerdown") && argc == 2)
		return report(ioctl(fd, MIPSLOADER_IOC_POWERDOWN));
	if (!strcmp(argv[1], "status") && argc == 2) {
		int status = -1;
		int ret = ioctl(fd, MIPSLOADER_IOC_GET_STATUS, &status);

		if (ret == 0)
			printf("status=%08x\n", (unsigned int)status);
		return report(ret);
	}
	fprintf(stderr, "usage: see the comment at the top of mipsorig.c\n");
	return 2;
}
