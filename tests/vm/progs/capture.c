// SPDX-License-Identifier: GPL-2.0
/*
 * capture DEVICE N WIDTH HEIGHT [FOURCC]: streams exactly N frames from a
 * V4L2 capture device with mmap buffers (4 buffers, each requeued until N
 * have been queued in total) in FOURCC (default YUYV) at WIDTHxHEIGHT,
 * which must be the size the driver takes (the active DV timings' size:
 * the block has no scaler), and checks every
 * frame of the hy300 simulated source: header magic, frame counter equal to
 * the V4L2 sequence number, geometry, the pixel format the simulated block
 * was programmed with, and the fill pattern; no frame may come back with
 * V4L2_BUF_FLAG_ERROR. Sequence numbers only go up, and every number
 * skipped (counted from 0, the first frame after STREAMON) must be a frame
 * the driver counted as dropped: hy300_tvcap_frames_dropped_total (in
 * $HY300_TVCAP_METRICS, default /sys/class/hy300/tvcap/metrics) must have
 * grown by at least the number of gaps (more when another client streamed
 * meanwhile); without that file (a degraded binding) no gap is allowed. Prints one summary line; exit 0 if all frames check out.
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

static void die(const char *what)
{
	printf("capture: FAIL: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* hy300_tvcap_frames_dropped_total, or 0 when there is no such file. */
static long dropped_total(void)
{
	const char *path = getenv("HY300_TVCAP_METRICS");
	char line[256];
	long v = -1;
	FILE *f = fopen(path ? path : "/sys/class/hy300/tvcap/metrics", "r");

	if (!f && errno == ENOENT)
		return 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "hy300_tvcap_frames_dropped_total %ld", &v) == 1)
			break;
	fclose(f);
	return v;
}

int main(int argc, char **argv)
{
	struct v4l2_capability cap;
	struct v4l2_format fmt;
	struct v4l2_requestbuffers req;
	void *mem[NBUF];
	size_t len[NBUF];
	long n, queued = 0, got = 0, bad = 0, gaps = 0;
	long prev_seq = -1, dropped, after;
	int fd;

	uint32_t fourcc = V4L2_PIX_FMT_YUYV;

	if (argc != 5 && !(argc == 6 && strlen(argv[5]) == 4))
		return fprintf(stderr, "usage: capture DEVICE N WIDTH HEIGHT [FOURCC]\n"), 2;
	if (argc == 6)
		fourcc = v4l2_fourcc(argv[5][0], argv[5][1], argv[5][2], argv[5][3]);
	n = atol(argv[2]);
	fd = open(argv[1], O_RDWR);
	if (fd < 0)
		die("open");
	if (xioctl(fd, VIDIOC_QUERYCAP, &cap))
		die("QUERYCAP");
	if (!(cap.device_caps & V4L2_CAP_VIDEO_CAPTURE) || !(cap.device_caps & V4L2_CAP_STREAMING)) {
		printf("capture: FAIL: caps %#x\n", cap.device_caps);
		return 1;
	}
	memset(&fmt, 0, sizeof(fmt));
	fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	fmt.fmt.pix.width = atoi(argv[3]);
	fmt.fmt.pix.height = atoi(argv[4]);
	fmt.fmt.pix.pixelformat = fourcc;
	if (xioctl(fd, VIDIOC_S_FMT, &fmt))
		die("S_FMT");
	if (fmt.fmt.pix.pixelformat != fourcc) {
		printf("capture: FAIL: format %.4s not taken\n", argv[5]);
		return 1;
	}
	/* The size is the input's active size (no scaler): a caller asks for it. */
	if (fmt.fmt.pix.width != (unsigned)atoi(argv[3]) || fmt.fmt.pix.height != (unsigned)atoi(argv[4])) {
		printf("capture: FAIL: %sx%s asked, %ux%u given (the active DV timings' size)\n", argv[3], argv[4],
		       fmt.fmt.pix.width, fmt.fmt.pix.height);
		return 1;
	}
	memset(&req, 0, sizeof(req));
	req.count = NBUF;
	req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	req.memory = V4L2_MEMORY_MMAP;
	if (xioctl(fd, VIDIOC_REQBUFS, &req) || req.count != NBUF)
		die("REQBUFS");
	for (unsigned i = 0; i < NBUF; i++) {
		struct v4l2_buffer b = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP, .index = i };

		if (xioctl(fd, VIDIOC_QUERYBUF, &b))
			die("QUERYBUF");
		len[i] = b.length;
		mem[i] = mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, b.m.offset);
		if (mem[i] == MAP_FAILED)
			die("mmap");
		if (queued < n) {
			if (xioctl(fd, VIDIOC_QBUF, &b))
				die("QBUF");
			queued++;
		}
	}
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;

	dropped = dropped_total();
	if (dropped < 0) {
		printf("capture: FAIL: no hy300_tvcap_frames_dropped_total to account for sequence gaps\n");
		return 1;
	}
	if (xioctl(fd, VIDIOC_STREAMON, &type))
		die("STREAMON");
	while (got < n) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct v4l2_buffer b = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP };
		const unsigned char *f;

		if (poll(&p, 1, 5000) != 1) {
			printf("capture: FAIL: no frame within 5 s after %ld frames\n", got);
			return 1;
		}
		if (xioctl(fd, VIDIOC_DQBUF, &b))
			die("DQBUF");
		f = mem[b.index];
		if (!frame_header_ok(f, &b, fmt.fmt.pix.width, fmt.fmt.pix.height, fourcc) ||
		    b.bytesused != fmt.fmt.pix.sizeimage || (b.flags & V4L2_BUF_FLAG_ERROR))
			bad++;
		bad += fill_mismatches(f, &b);
		count_sequence(b.sequence, &prev_seq, &bad, &gaps);
		got++;
		if (queued < n) {
			if (xioctl(fd, VIDIOC_QBUF, &b))
				die("QBUF again");
			queued++;
		}
	}
	if (xioctl(fd, VIDIOC_STREAMOFF, &type))
		die("STREAMOFF");
	for (unsigned i = 0; i < NBUF; i++)
		munmap(mem[i], len[i]);
	req.count = 0;
	if (xioctl(fd, VIDIOC_REQBUFS, &req))
		die("REQBUFS 0");
	close(fd);
	after = dropped_total();
	if (after < 0) {
		printf("capture: FAIL: hy300_tvcap_frames_dropped_total unreadable after streaming\n");
		return 1;
	}
	dropped = after - dropped;
	printf("capture: %ld frames %ux%u, %ld bad, %ld sequence gaps (%ld frames counted as dropped meanwhile), last sequence %ld\n",
	       got, fmt.fmt.pix.width, fmt.fmt.pix.height, bad, gaps, dropped, prev_seq);
	if (gaps > dropped) {
		printf("capture: FAIL: %ld sequence numbers skipped, but only %ld frames counted as dropped\n", gaps,
		       dropped);
		return 1;
	}
	return bad ? 1 : 0;
}
