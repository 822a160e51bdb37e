// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
/*
 * The drivers' ioctl ABI as a program of any word size sees it (built
 * static by scripts/vm: natively as ioctlabi, and on arm64 guests also as
 * 32-bit ARM programs, ioctlabi32 with glibc's 32-bit time_t and
 * ioctlabi32t64 with _TIME_BITS=64, which the kernel serves through its
 * compat_ioctl paths; tests/vm/compat.sh runs all three).
 *
 *   ioctlabi abi                  prints "long=N time_t=N v4l2_buffer=N
 *                                 machine=M" (the sizes this build was
 *                                 compiled with; uname's machine)
 *   ioctlabi mips FW1 FW2         every /dev/mipsloader ioctl (names under
 *                                 /lib/firmware; FW1 and FW2 differ in
 *                                 size), valid and invalid: EINVAL,
 *                                 ENOTTY, EFAULT, EBADF, ERANGE, ENOENT,
 *                                 EBADMSG; results checked against the
 *                                 files and the driver's metrics
 *   ioctlabi v4l2 DEVICE N        QUERYCAP, QUERY_DV_TIMINGS, G/S_FMT,
 *                                 REQBUFS, QUERYBUF, mmap, QBUF, STREAMON,
 *                                 N frames DQBUF'd and checked as capture
 *                                 does (header, sequence, geometry,
 *                                 pattern, timestamps), STREAMOFF; and
 *                                 EINVAL, ENOTTY, EFAULT cases
 *
 * Prints one "ioctlabi WHAT: ok ..." line and exits 0, or "ioctlabi WHAT:
 * FAIL: ..." lines and exits 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "../../../include/uapi/linux/hy300-mipsloader.h"
#include "crc32.h"
#include "v4l2util.h"

/* The C original's numbers (mipsloader-orig.h): char * and int sized. */
#define ORIG_LOAD_FW _IOW(MIPSLOADER_IOC_MAGIC, 1, char *)
#define ORIG_GET_STATUS _IOR(MIPSLOADER_IOC_MAGIC, 4, int)

/* The layouts are the same for every word size (the driver's compat_ioctl
 * translates only the original LOAD_FW's number). */
_Static_assert(sizeof(struct mipsloader_load) == 72, "load layout");
_Static_assert(sizeof(struct mipsloader_status) == 16, "status layout");
_Static_assert(sizeof(struct mipsloader_panel) == 32, "panel layout");
/* v4l2_buffer: 88 bytes for a 64-bit program; for a 32-bit one 68 (32-bit
 * time_t: the kernel's v4l2_buffer32_time32) or 80 (64-bit time_t:
 * v4l2_buffer32). */
_Static_assert(sizeof(long) == 8 ? sizeof(struct v4l2_buffer) == 88 :
	       sizeof(time_t) == 4 ? sizeof(struct v4l2_buffer) == 68 : sizeof(struct v4l2_buffer) == 80,
	       "v4l2_buffer layout");

static const char *what = "?";
static int failures;

#define FAIL(...)                                         \
	do {                                              \
		printf("ioctlabi %s: FAIL: ", what);      \
		printf(__VA_ARGS__);                      \
		printf("\n");                             \
		failures++;                               \
	} while (0)

static const char *errname(int e)
{
	switch (e) {
	case 0: return "0";
	case EINVAL: return "EINVAL";
	case ENOTTY: return "ENOTTY";
	case EFAULT: return "EFAULT";
	case EBADF: return "EBADF";
	case ERANGE: return "ERANGE";
	case ENOENT: return "ENOENT";
	case EBADMSG: return "EBADMSG";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	case EPERM: return "EPERM";
	case EBUSY: return "EBUSY";
	case ENODEV: return "ENODEV";
	case EIO: return "EIO";
	default: return strerror(e);
	}
}

/* expect(WANT, fd, cmd, arg, label): the ioctl's errno (0 on success) must be WANT. */
static int call(int fd, unsigned long cmd, void *arg)
{
	return xioctl(fd, cmd, arg) ? errno : 0;
}

static void expect(int want, int fd, unsigned long cmd, void *arg, const char *label)
{
	int got = call(fd, cmd, arg);

	if (got != want)
		FAIL("%s (cmd %#lx): %s, expected %s", label, cmd, errname(got), errname(want));
}

/* The size and CRC32 of /lib/firmware/NAME; 0 on success. */
static int firmware_file(const char *name, uint32_t *size, uint32_t *crc)
{
	char path[256];
	unsigned char *buf;
	struct stat st;
	FILE *f;

	snprintf(path, sizeof(path), "/lib/firmware/%s", name);
	f = fopen(path, "rb");
	if (!f || fstat(fileno(f), &st))
		return -1;
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf || fread(buf, 1, st.st_size, f) != (size_t)st.st_size) {
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	*size = st.st_size;
	*crc = crc32_buf(buf, st.st_size);
	free(buf);
	return 0;
}

/* NAME's value in the metrics file PATH, or -1. */
static long long metric(const char *path, const char *name)
{
	char line[512];
	long long v = -1;
	size_t n = strlen(name);
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, n) && line[n] == ' ') {
			v = strtoll(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* A page no access may touch (an address that faults): mapped PROT_NONE
 * and kept, so no later mmap (the V4L2 buffers') can take its place. */
static void *unmapped_page(void)
{
	void *p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* A writable page followed by one that faults: the start of the second. */
static char *page_before_hole(void)
{
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || mprotect(p + 4096, 4096, PROT_NONE))
		return NULL;
	return p + 4096;
}

#define MIPS_METRICS "/sys/class/hy300/mips/metrics"

static void status_is(int fd, uint32_t loaded, uint32_t size, uint32_t crc, const char *when)
{
	struct mipsloader_status st;

	memset(&st, 0xa5, sizeof(st));
	if (call(fd, MIPSLOADER_IOC_GET_STATUS, &st)) {
		FAIL("GET_STATUS %s: %s", when, errname(errno));
		return;
	}
	if (st.loaded != loaded || (loaded && (st.firmware_size != size || st.firmware_crc32 != crc)))
		FAIL("GET_STATUS %s: loaded %u size %u crc %08x, expected loaded %u size %u crc %08x", when, st.loaded,
		     st.firmware_size, st.firmware_crc32, loaded, size, crc);
	if (metric(MIPS_METRICS, "hy300_mips_firmware_loaded") != loaded)
		FAIL("%s: hy300_mips_firmware_loaded is %lld, expected %u", when,
		     metric(MIPS_METRICS, "hy300_mips_firmware_loaded"), loaded);
	if (loaded && metric(MIPS_METRICS, "hy300_mips_firmware_size_bytes") != size)
		FAIL("%s: hy300_mips_firmware_size_bytes is %lld, expected %u", when,
		     metric(MIPS_METRICS, "hy300_mips_firmware_size_bytes"), size);
}

static int mips(const char *fw1, const char *fw2)
{
	struct mipsloader_load load;
	struct mipsloader_status st;
	struct mipsloader_panel panel = { 10, -10, 20, -20, 30, -30, 100, -100 };
	uint32_t size1, crc1, size2, crc2;
	char *edge = page_before_hole();
	void *hole = unmapped_page();
	char name2[MIPSLOADER_FW_NAME_MAX];
	int fd, ro, reg;

	what = "mips";
	if (firmware_file(fw1, &size1, &crc1) || firmware_file(fw2, &size2, &crc2) || size1 == size2)
		return printf("ioctlabi mips: FAIL: /lib/firmware/%s and %s: unreadable or the same size\n", fw1, fw2), 1;
	if (!edge || !hole)
		return printf("ioctlabi mips: FAIL: mmap: %s\n", strerror(errno)), 1;
	fd = open("/dev/mipsloader", O_RDWR);
	ro = open("/dev/mipsloader", O_RDONLY);
	if (fd < 0 || ro < 0)
		return printf("ioctlabi mips: FAIL: open /dev/mipsloader: %s\n", strerror(errno)), 1;

	/* LOAD_FW (struct mipsloader_load), with and without the CRC check. */
	memset(&load, 0, sizeof(load));
	snprintf(load.name, sizeof(load.name), "%s", fw1);
	load.flags = MIPSLOADER_LOAD_CHECK_CRC;
	load.crc32 = crc1;
	expect(0, fd, MIPSLOADER_IOC_LOAD_FW, &load, "LOAD_FW with its CRC");
	status_is(fd, 1, size1, crc1, "after LOAD_FW");
	load.crc32 = crc1 ^ 1;
	expect(EBADMSG, fd, MIPSLOADER_IOC_LOAD_FW, &load, "LOAD_FW with a wrong CRC");
	load.flags = 2;
	expect(EINVAL, fd, MIPSLOADER_IOC_LOAD_FW, &load, "LOAD_FW with an unknown flag");
	load.flags = 0;
	snprintf(load.name, sizeof(load.name), "../etc/passwd");
	expect(EINVAL, fd, MIPSLOADER_IOC_LOAD_FW, &load, "LOAD_FW of ../etc/passwd");
	memset(load.name, 'a', sizeof(load.name));
	expect(EINVAL, fd, MIPSLOADER_IOC_LOAD_FW, &load, "LOAD_FW of an unterminated name");
	snprintf(load.name, sizeof(load.name), "hy300-compat/missing.bin");
	expect(ENOENT, fd, MIPSLOADER_IOC_LOAD_FW, &load, "LOAD_FW of a missing file");
	expect(EFAULT, fd, MIPSLOADER_IOC_LOAD_FW, NULL, "LOAD_FW from NULL");
	expect(EFAULT, fd, MIPSLOADER_IOC_LOAD_FW, hole, "LOAD_FW from an unmapped page");
	expect(EFAULT, fd, MIPSLOADER_IOC_LOAD_FW, edge - 8, "LOAD_FW across the end of a mapping");
	status_is(fd, 1, size1, crc1, "after the refused loads");

	/* The C original's LOAD_FW: a pointer to the name (4 bytes in a 32-bit
	 * process: the number compat_ioctl translates). */
	snprintf(name2, sizeof(name2), "%s", fw2);
	expect(0, fd, ORIG_LOAD_FW, name2, "original LOAD_FW");
	status_is(fd, 1, size2, crc2, "after the original LOAD_FW");
	expect(EFAULT, fd, ORIG_LOAD_FW, NULL, "original LOAD_FW from NULL");
	expect(EFAULT, fd, ORIG_LOAD_FW, hole, "original LOAD_FW from an unmapped page");
	memcpy(edge - 3, "abc", 3);
	expect(EFAULT, fd, ORIG_LOAD_FW, edge - 3, "original LOAD_FW of a name running into a hole");
	expect(EINVAL, fd, ORIG_LOAD_FW, "../etc/passwd", "original LOAD_FW of ../etc/passwd");

	/* GET_STATUS both ways: the same STATUS register. */
	memset(&st, 0, sizeof(st));
	expect(0, fd, MIPSLOADER_IOC_GET_STATUS, &st, "GET_STATUS");
	reg = -1;
	expect(0, fd, ORIG_GET_STATUS, &reg, "original GET_STATUS");
	if ((uint32_t)reg != st.status_reg)
		FAIL("original GET_STATUS gave %08x, GET_STATUS's status_reg %08x", (unsigned)reg, st.status_reg);
	expect(0, ro, MIPSLOADER_IOC_GET_STATUS, &st, "GET_STATUS on a read-only descriptor");
	expect(EFAULT, fd, MIPSLOADER_IOC_GET_STATUS, NULL, "GET_STATUS to NULL");
	expect(EFAULT, fd, MIPSLOADER_IOC_GET_STATUS, hole, "GET_STATUS to an unmapped page");
	expect(EFAULT, fd, MIPSLOADER_IOC_GET_STATUS, edge - 8, "GET_STATUS across the end of a mapping");
	expect(EFAULT, fd, ORIG_GET_STATUS, NULL, "original GET_STATUS to NULL");

	/* SET_PANEL. */
	expect(0, fd, MIPSLOADER_IOC_SET_PANEL, &panel, "SET_PANEL");
	panel.bottom_right_y = -101;
	expect(ERANGE, fd, MIPSLOADER_IOC_SET_PANEL, &panel, "SET_PANEL out of range");
	expect(EFAULT, fd, MIPSLOADER_IOC_SET_PANEL, NULL, "SET_PANEL from NULL");
	expect(EFAULT, fd, MIPSLOADER_IOC_SET_PANEL, edge - 16, "SET_PANEL across the end of a mapping");

	/* Changing commands need a descriptor opened for writing. */
	expect(EBADF, ro, MIPSLOADER_IOC_RESTART, NULL, "RESTART on a read-only descriptor");
	expect(EBADF, ro, MIPSLOADER_IOC_SET_PANEL, &panel, "SET_PANEL on a read-only descriptor");

	/* RESTART, POWER_DOWN, RESTART without firmware, and loaded again. */
	expect(0, fd, MIPSLOADER_IOC_RESTART, NULL, "RESTART");
	status_is(fd, 1, size2, crc2, "after RESTART");
	expect(0, fd, MIPSLOADER_IOC_POWER_DOWN, NULL, "POWER_DOWN");
	status_is(fd, 0, 0, 0, "after POWER_DOWN");
	expect(ENOENT, fd, MIPSLOADER_IOC_RESTART, NULL, "RESTART without firmware");
	load.flags = 0;
	snprintf(load.name, sizeof(load.name), "%s", fw1);
	expect(0, fd, MIPSLOADER_IOC_LOAD_FW, &load, "LOAD_FW after POWER_DOWN");
	status_is(fd, 1, size1, crc1, "after loading again");

	/* Numbers the driver does not serve: ENOTTY. */
	expect(ENOTTY, fd, _IO(MIPSLOADER_IOC_MAGIC, 99), NULL, "an unknown number");
	expect(ENOTTY, fd, _IOW(MIPSLOADER_IOC_MAGIC, 1, char[10]), name2, "LOAD_FW with a wrong size");
	expect(ENOTTY, fd, _IOR(MIPSLOADER_IOC_MAGIC, 4, uint64_t), &st, "GET_STATUS with a wrong size");
	expect(ENOTTY, fd, _IOW(MIPSLOADER_IOC_MAGIC, 5, int), &panel, "SET_PANEL with a wrong size");
	expect(ENOTTY, fd, _IOW('V', 1, struct mipsloader_load), &load, "another magic");
	if (sizeof(char *) == 4)
		/* The 64-bit program's original LOAD_FW number: no 32-bit one. */
		expect(ENOTTY, fd, _IOW(MIPSLOADER_IOC_MAGIC, 1, uint64_t), name2, "the 64-bit original LOAD_FW number");

	close(ro);
	close(fd);
	if (failures)
		return 1;
	printf("ioctlabi mips: ok (%zu-bit; %s %u bytes crc %08x, %s %u bytes crc %08x)\n", sizeof(long) * 8, fw1,
	       size1, crc1, fw2, size2, crc2);
	return 0;
}

#define NBUF 4

#define TVCAP_METRICS "/sys/class/hy300/tvcap/metrics"

static int v4l2(const char *dev, long n)
{
	struct v4l2_capability cap;
	struct v4l2_dv_timings dv;
	struct v4l2_format fmt;
	struct v4l2_requestbuffers req;
	struct v4l2_buffer b;
	void *mem[NBUF];
	size_t len[NBUF];
	void *hole = unmapped_page();
	long queued = 0, got = 0, bad = 0, gaps = 0, prev_seq = -1;
	long long dropped, prev_ts = 0;
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE, fd;
	uint32_t w, h;

	what = "v4l2";
	fd = open(dev, O_RDWR);
	if (fd < 0 || !hole)
		return printf("ioctlabi v4l2: FAIL: open %s: %s\n", dev, strerror(errno)), 1;
	memset(&cap, 0, sizeof(cap));
	if (call(fd, VIDIOC_QUERYCAP, &cap))
		return printf("ioctlabi v4l2: FAIL: QUERYCAP: %s\n", errname(errno)), 1;
	if (strcmp((char *)cap.driver, "sunxi-tvcap") || !(cap.device_caps & V4L2_CAP_VIDEO_CAPTURE) ||
	    !(cap.device_caps & V4L2_CAP_STREAMING))
		FAIL("QUERYCAP: driver '%s', caps %#x", (char *)cap.driver, cap.device_caps);
	expect(EFAULT, fd, VIDIOC_QUERYCAP, NULL, "QUERYCAP to NULL");

	memset(&dv, 0, sizeof(dv));
	if (call(fd, VIDIOC_QUERY_DV_TIMINGS, &dv))
		return printf("ioctlabi v4l2: FAIL: QUERY_DV_TIMINGS: %s\n", errname(errno)), 1;
	w = dv.bt.width;
	h = dv.bt.height;
	if (dv.type != V4L2_DV_BT_656_1120 || !w || !h || !dv.bt.pixelclock)
		FAIL("QUERY_DV_TIMINGS: type %u, %ux%u, pixel clock %llu", dv.type, w, h,
		     (unsigned long long)dv.bt.pixelclock);

	memset(&fmt, 0, sizeof(fmt));
	fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	expect(0, fd, VIDIOC_G_FMT, &fmt, "G_FMT");
	if (fmt.fmt.pix.width != w || fmt.fmt.pix.height != h)
		FAIL("G_FMT: %ux%u, the DV timings %ux%u", fmt.fmt.pix.width, fmt.fmt.pix.height, w, h);
	fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_YUYV;
	expect(0, fd, VIDIOC_S_FMT, &fmt, "S_FMT");
	if (fmt.fmt.pix.pixelformat != V4L2_PIX_FMT_YUYV || fmt.fmt.pix.width != w || fmt.fmt.pix.height != h ||
	    fmt.fmt.pix.bytesperline != w * 2 || fmt.fmt.pix.sizeimage != w * h * 2)
		FAIL("S_FMT YUYV %ux%u: %.4s %ux%u, %u bytes per line, image %u", w, h,
		     (char *)&fmt.fmt.pix.pixelformat, fmt.fmt.pix.width, fmt.fmt.pix.height,
		     fmt.fmt.pix.bytesperline, fmt.fmt.pix.sizeimage);
	expect(EFAULT, fd, VIDIOC_S_FMT, hole, "S_FMT from an unmapped page");

	memset(&req, 0, sizeof(req));
	req.count = NBUF;
	req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	req.memory = V4L2_MEMORY_MMAP;
	if (call(fd, VIDIOC_REQBUFS, &req) || req.count != NBUF)
		return printf("ioctlabi v4l2: FAIL: REQBUFS %d: %s, count %u\n", NBUF, errname(errno), req.count), 1;
	for (unsigned i = 0; i < NBUF; i++) {
		memset(&b, 0, sizeof(b));
		b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		b.memory = V4L2_MEMORY_MMAP;
		b.index = i;
		if (call(fd, VIDIOC_QUERYBUF, &b))
			return printf("ioctlabi v4l2: FAIL: QUERYBUF %u: %s\n", i, errname(errno)), 1;
		if (b.index != i || b.length < fmt.fmt.pix.sizeimage || (b.flags & V4L2_BUF_FLAG_QUEUED) ||
		    (b.flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) != V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC)
			FAIL("QUERYBUF %u: index %u, length %u, flags %#x", i, b.index, b.length, b.flags);
		len[i] = b.length;
		mem[i] = mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, b.m.offset);
		if (mem[i] == MAP_FAILED)
			return printf("ioctlabi v4l2: FAIL: mmap of buffer %u: %s\n", i, strerror(errno)), 1;
		if (queued < n) {
			if (call(fd, VIDIOC_QBUF, &b))
				return printf("ioctlabi v4l2: FAIL: QBUF %u: %s\n", i, errname(errno)), 1;
			queued++;
			if (!(b.flags & V4L2_BUF_FLAG_QUEUED))
				FAIL("QBUF %u: flags %#x without QUEUED", i, b.flags);
		}
	}
	memset(&b, 0, sizeof(b));
	b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	b.memory = V4L2_MEMORY_MMAP;
	b.index = NBUF;
	expect(EINVAL, fd, VIDIOC_QUERYBUF, &b, "QUERYBUF of a buffer that does not exist");
	expect(EFAULT, fd, VIDIOC_QUERYBUF, NULL, "QUERYBUF to NULL");
	expect(EFAULT, fd, VIDIOC_QBUF, hole, "QBUF from an unmapped page");
	/* Numbers the V4L2 core does not serve (a private one: no driver
	 * compat_ioctl32; an unknown core one). */
	expect(ENOTTY, fd, _IOWR('V', BASE_VIDIOC_PRIVATE + 8, int), &type, "a private V4L2 number");
	expect(ENOTTY, fd, _IOWR('V', 150, int), &type, "an unknown V4L2 number");

	dropped = metric(TVCAP_METRICS, "hy300_tvcap_frames_dropped_total");
	if (dropped < 0)
		return printf("ioctlabi v4l2: FAIL: no hy300_tvcap_frames_dropped_total\n"), 1;
	if (call(fd, VIDIOC_STREAMON, &type))
		return printf("ioctlabi v4l2: FAIL: STREAMON: %s\n", errname(errno)), 1;
	while (got < n) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct timespec now;
		const unsigned char *f;
		long long ts;

		if (poll(&p, 1, 5000) != 1)
			return printf("ioctlabi v4l2: FAIL: no frame within 5 s after %ld frames\n", got), 1;
		memset(&b, 0, sizeof(b));
		b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		b.memory = V4L2_MEMORY_MMAP;
		if (call(fd, VIDIOC_DQBUF, &b))
			return printf("ioctlabi v4l2: FAIL: DQBUF: %s\n", errname(errno)), 1;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (b.index >= NBUF)
			return printf("ioctlabi v4l2: FAIL: DQBUF gave buffer %u\n", b.index), 1;
		f = mem[b.index];
		if (!frame_header_ok(f, &b, w, h, V4L2_PIX_FMT_YUYV) || b.bytesused != fmt.fmt.pix.sizeimage ||
		    (b.flags & (V4L2_BUF_FLAG_ERROR | V4L2_BUF_FLAG_QUEUED)))
			bad++;
		bad += fill_mismatches(f, &b);
		/* The timestamp (a 32- or 64-bit timeval, translated by the
		 * core): CLOCK_MONOTONIC, not after now, never going back. */
		ts = (long long)b.timestamp.tv_sec * 1000000 + b.timestamp.tv_usec;
		if (ts <= 0 || b.timestamp.tv_usec < 0 || b.timestamp.tv_usec >= 1000000 || ts < prev_ts ||
		    ts > (long long)now.tv_sec * 1000000 + now.tv_nsec / 1000) {
			FAIL("frame %ld: timestamp %lld.%06ld (previous %lld us, now %lld.%09ld)", got,
			     (long long)b.timestamp.tv_sec, (long)b.timestamp.tv_usec, prev_ts, (long long)now.tv_sec,
			     (long)now.tv_nsec);
		}
		prev_ts = ts;
		count_sequence(b.sequence, &prev_seq, &bad, &gaps);
		got++;
		if (queued < n) {
			if (call(fd, VIDIOC_QBUF, &b))
				return printf("ioctlabi v4l2: FAIL: QBUF again: %s\n", errname(errno)), 1;
			queued++;
		}
	}
	if (call(fd, VIDIOC_STREAMOFF, &type))
		return printf("ioctlabi v4l2: FAIL: STREAMOFF: %s\n", errname(errno)), 1;
	memset(&b, 0, sizeof(b));
	b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	b.memory = V4L2_MEMORY_MMAP;
	expect(EINVAL, fd, VIDIOC_DQBUF, &b, "DQBUF after STREAMOFF");
	for (unsigned i = 0; i < NBUF; i++) {
		memset(&b, 0, sizeof(b));
		b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		b.memory = V4L2_MEMORY_MMAP;
		b.index = i;
		expect(0, fd, VIDIOC_QUERYBUF, &b, "QUERYBUF after STREAMOFF");
		if (b.flags & (V4L2_BUF_FLAG_QUEUED | V4L2_BUF_FLAG_DONE))
			FAIL("buffer %u still queued or done after STREAMOFF (flags %#x)", i, b.flags);
		munmap(mem[i], len[i]);
	}
	req.count = 0;
	expect(0, fd, VIDIOC_REQBUFS, &req, "REQBUFS 0");
	close(fd);
	dropped = metric(TVCAP_METRICS, "hy300_tvcap_frames_dropped_total") - dropped;
	if (bad)
		FAIL("%ld bad frames of %ld", bad, got);
	if (gaps > dropped)
		FAIL("%ld sequence numbers skipped, but only %lld frames counted as dropped", gaps, dropped);
	if (failures)
		return 1;
	printf("ioctlabi v4l2: ok (%zu-bit, time_t %zu bytes, v4l2_buffer %zu bytes): %ld frames %ux%u YUYV, %ld sequence gaps, last sequence %ld\n",
	       sizeof(long) * 8, sizeof(time_t), sizeof(struct v4l2_buffer), got, w, h, gaps, prev_seq);
	return 0;
}

int main(int argc, char **argv)
{
	struct utsname u;

	if (argc == 2 && !strcmp(argv[1], "abi")) {
		if (uname(&u))
			return printf("ioctlabi abi: FAIL: uname: %s\n", strerror(errno)), 1;
		printf("long=%zu time_t=%zu v4l2_buffer=%zu machine=%s\n", sizeof(long), sizeof(time_t),
		       sizeof(struct v4l2_buffer), u.machine);
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "mips"))
		return mips(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "v4l2") && atol(argv[3]) > 0)
		return v4l2(argv[2], atol(argv[3]));
	fprintf(stderr, "usage: ioctlabi abi | ioctlabi mips FW1 FW2 | ioctlabi v4l2 DEVICE N\n");
	return 2;
}
