// SPDX-License-Identifier: GPL-2.0
/*
 * capfault DEVICE STEP N: allocation failure in one step of a capture.
 *
 * A session opens DEVICE, sets YUYV (at the input's active size), requests 4 mmap buffers
 * (REQBUFS), maps and queues them, starts streaming, dequeues 2 frames of
 * the hy300 simulated source (header and sequence checked), stops, unmaps
 * and closes. /proc/self/fail-nth is set to N just before STEP (open,
 * reqbufs, mmap, qbuf: all four QBUFs, or streamon) and cleared after it,
 * so the N-th slab allocation of that step fails.
 *
 * The injected failure must either fail STEP with ENOMEM, or be absorbed
 * (REQBUFS may give fewer buffers) with the session going on normally.
 * Either way, once closed, nothing may be left behind (buffer_status:
 * no buffer allocated or queued, not streaming) and a second session
 * without injection must stream.
 *
 * Exit status: 0 STEP failed cleanly, 4 the failure was absorbed, 3 STEP
 * made fewer than N allocations (nothing injected), 1 a check failed
 * (message on stdout), 2 usage.
 */
#define _GNU_SOURCE
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
#include <unistd.h>

#include "v4l2util.h"

#define NBUF 4
#define STATUS "/sys/class/hy300/tvcap/buffer_status"

enum step { OPEN, REQBUFS, MMAP, QBUF, STREAMON, NONE };
static const char *const steps[] = { "open", "reqbufs", "mmap", "qbuf", "streamon" };

static int failnth = -1;
static enum step armed_step = NONE;
static int armed_nth;
static int injected;

static void fail(const char *fmt, const char *arg)
{
	printf("capfault: FAIL: ");
	printf(fmt, arg);
	printf("\n");
	exit(1);
}

/* fail-nth for this task around `s`, when it is the step under test. */
static void arm(enum step s)
{
	char n[16];
	int len = snprintf(n, sizeof(n), "%d", armed_nth);

	if (s == armed_step && pwrite(failnth, n, len, 0) != len)
		fail("arm fail-nth: %s", strerror(errno));
}

static void disarm(enum step s)
{
	char left[16] = "";

	if (s != armed_step)
		return;
	if (pread(failnth, left, sizeof(left) - 1, 0) <= 0 || pwrite(failnth, "0", 1, 0) != 1)
		fail("disarm fail-nth: %s", strerror(errno));
	/* It counts down to 0, where the allocation fails. */
	injected = atoi(left) == 0;
}

/* The driver holds nothing once the last file is closed. */
static void check_released(const char *when)
{
	static const char *const zero[] = { "hy300_tvcap_buffers_allocated 0\n", "hy300_tvcap_buffers_queued 0\n",
					    "hy300_tvcap_streaming 0\n" };
	char page[4096];
	int fd = open(STATUS, O_RDONLY);
	ssize_t len = fd < 0 ? -1 : read(fd, page, sizeof(page) - 1);

	if (len < 0)
		fail("read " STATUS ": %s", strerror(errno));
	close(fd);
	page[len] = 0;
	for (unsigned i = 0; i < sizeof(zero) / sizeof(zero[0]); i++)
		if (!strstr(page, zero[i])) {
			printf("%s", page);
			fail("buffer_status %s", when);
		}
}

/*
 * One session; returns 0 when it streamed, else the step that failed with
 * its errno in *err (everything is released before returning).
 */
static int session(const char *dev, enum step *failed, int *err)
{
	struct v4l2_format fmt = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	struct v4l2_requestbuffers req = { .count = NBUF, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
					   .memory = V4L2_MEMORY_MMAP };
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	void *mem[NBUF];
	size_t len[NBUF];
	uint32_t offset[NBUF];
	unsigned mapped = 0, n;
	int fd, r = 0;

#define STEP(s, call)                             \
	do {                                      \
		arm(s);                           \
		r = (call);                       \
		*err = errno;                     \
		disarm(s);                        \
		if (r) {                          \
			*failed = s;              \
			goto out;                 \
		}                                 \
	} while (0)

	arm(OPEN);
	fd = open(dev, O_RDWR);
	*err = errno;
	disarm(OPEN);
	if (fd < 0) {
		*failed = OPEN;
		return -1;
	}
	/* The size is the input's active one (no scaler): S_FMT returns it. */
	fmt.fmt.pix.width = 0;
	fmt.fmt.pix.height = 0;
	fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_YUYV;
	if (xioctl(fd, VIDIOC_S_FMT, &fmt))
		fail("S_FMT: %s", strerror(errno));
	STEP(REQBUFS, xioctl(fd, VIDIOC_REQBUFS, &req));
	n = req.count;
	if (n < 2 || n > NBUF)
		fail("REQBUFS gave %s buffers", n < 2 ? "fewer than 2" : "more than asked");
	for (unsigned i = 0; i < n; i++) {
		struct v4l2_buffer b = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP,
					 .index = i };

		if (xioctl(fd, VIDIOC_QUERYBUF, &b))
			fail("QUERYBUF: %s", strerror(errno));
		len[i] = b.length;
		offset[i] = b.m.offset;
	}
	arm(MMAP);
	for (; mapped < n; mapped++) {
		mem[mapped] = mmap(NULL, len[mapped], PROT_READ, MAP_SHARED, fd, offset[mapped]);
		if (mem[mapped] == MAP_FAILED) {
			r = -1;
			break;
		}
	}
	*err = errno;
	disarm(MMAP);
	if (r) {
		*failed = MMAP;
		goto out;
	}
	arm(QBUF);
	for (unsigned i = 0; i < n && !r; i++) {
		struct v4l2_buffer b = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP,
					 .index = i };

		r = xioctl(fd, VIDIOC_QBUF, &b);
		*err = errno;
	}
	disarm(QBUF);
	if (r) {
		*failed = QBUF;
		goto out;
	}
	STEP(STREAMON, xioctl(fd, VIDIOC_STREAMON, &type));
	for (long got = 0, prev = -1; got < 2; got++) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct v4l2_buffer b = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP };
		const unsigned char *f;

		if (poll(&p, 1, 5000) != 1)
			fail("%s", "no frame within 5 s");
		if (xioctl(fd, VIDIOC_DQBUF, &b))
			fail("DQBUF: %s", strerror(errno));
		f = mem[b.index];
		if (memcmp(f, "HY300TVC", 8) || le32(f + 8) != b.sequence || le32(f + 12) != fmt.fmt.pix.width ||
		    (long)b.sequence <= prev)
			fail("%s", "bad frame");
		prev = b.sequence;
		if (xioctl(fd, VIDIOC_QBUF, &b))
			fail("QBUF again: %s", strerror(errno));
	}
	if (xioctl(fd, VIDIOC_STREAMOFF, &type))
		fail("STREAMOFF: %s", strerror(errno));
out:
	while (mapped > 0) {
		mapped--;
		munmap(mem[mapped], len[mapped]);
	}
	close(fd);
	return r ? -1 : 0;
#undef STEP
}

int main(int argc, char **argv)
{
	enum step failed = NONE;
	int err = 0;

	if (argc != 4 || atoi(argv[3]) <= 0)
		return fprintf(stderr, "usage: capfault DEVICE open|reqbufs|mmap|qbuf|streamon N\n"), 2;
	for (armed_step = OPEN; armed_step < NONE; armed_step++)
		if (!strcmp(argv[2], steps[armed_step]))
			break;
	if (armed_step == NONE)
		return fprintf(stderr, "capfault: unknown step %s\n", argv[2]), 2;
	armed_nth = atoi(argv[3]);
	failnth = open("/proc/self/fail-nth", O_RDWR);
	if (failnth < 0)
		fail("open fail-nth: %s", strerror(errno));

	int r = session(argv[1], &failed, &err);

	if (r && !injected) {
		printf("capfault: FAIL: %s failed with nothing injected: %s\n", steps[failed], strerror(err));
		return 1;
	}
	if (r && (failed != armed_step || err != ENOMEM)) {
		printf("capfault: FAIL: allocation %d of %s failing: %s failed with %s, expected ENOMEM\n", armed_nth,
		       argv[2], steps[failed], strerror(err));
		return 1;
	}
	check_released(r ? "after the injected failure" : "after a session with an injected failure");
	armed_step = NONE;
	if (session(argv[1], &failed, &err)) {
		printf("capfault: FAIL: allocation %d of %s failing: next session: %s failed: %s\n", armed_nth,
		       argv[2], steps[failed], strerror(err));
		return 1;
	}
	check_released("after the next session");
	if (!injected)
		return 3;
	return r ? 0 : 4;
}
