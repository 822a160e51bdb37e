// SPDX-License-Identifier: GPL-2.0
/*
 * streamcycle DEVICE CYCLES SEED: STREAMON/STREAMOFF cycles racing the
 * frame interrupts of a V4L2 capture device (YUYV at the input's active size, 4 mmap buffers).
 * Each cycle queues every buffer, starts streaming, waits a random 0-30 ms
 * (the simulated source completes a frame every 20 ms) and sometimes
 * dequeues what is done, then stops; every 100th cycle waits (poll, at
 * most 5 s) for a frame and dequeues it, so at least CYCLES / 100 frames
 * are dequeued whatever the timing. After each STREAMOFF every buffer
 * must be back with userspace: QUERYBUF shows none queued or done (vb2
 * warns on its own when the driver kept one), and every dequeued frame
 * must be a good one: no V4L2_BUF_FLAG_ERROR, the whole image as payload.
 * Prints one summary line; exit 0 when all held.
 */
#include <poll.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define NBUF 4

static int fd;

static int xioctl(unsigned long req, void *arg)
{
	int r;

	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	return r;
}

static void die(long cycle, const char *what)
{
	printf("streamcycle: FAIL: cycle %ld: %s: %s\n", cycle, what, strerror(errno));
	exit(1);
}

static void sleep_us(long us)
{
	struct timespec ts = { .tv_sec = us / 1000000, .tv_nsec = us % 1000000 * 1000 };

	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	struct v4l2_format fmt;
	struct v4l2_requestbuffers req;
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	long cycles, frames = 0;

	if (argc != 4)
		return fprintf(stderr, "usage: streamcycle DEVICE CYCLES SEED\n"), 2;
	cycles = atol(argv[2]);
	srand(strtoul(argv[3], NULL, 0));
	fd = open(argv[1], O_RDWR | O_NONBLOCK);
	if (fd < 0)
		die(0, "open");
	memset(&fmt, 0, sizeof(fmt));
	fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	/* The input's active size (no scaler): S_FMT returns it. */
	fmt.fmt.pix.width = 0;
	fmt.fmt.pix.height = 0;
	fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_YUYV;
	if (xioctl(VIDIOC_S_FMT, &fmt))
		die(0, "S_FMT");
	memset(&req, 0, sizeof(req));
	req.count = NBUF;
	req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	req.memory = V4L2_MEMORY_MMAP;
	if (xioctl(VIDIOC_REQBUFS, &req) || req.count != NBUF)
		die(0, "REQBUFS");
	for (long c = 1; c <= cycles; c++) {
		for (unsigned i = 0; i < NBUF; i++) {
			struct v4l2_buffer b = { .type = type, .memory = V4L2_MEMORY_MMAP, .index = i };

			if (xioctl(VIDIOC_QBUF, &b))
				die(c, "QBUF");
		}
		if (xioctl(VIDIOC_STREAMON, &type))
			die(c, "STREAMON");
		sleep_us(rand() % 30000);
		if (c % 100 == 0) {
			struct pollfd p = { .fd = fd, .events = POLLIN };

			if (poll(&p, 1, 5000) != 1) {
				printf("streamcycle: FAIL: cycle %ld: no frame within 5 s\n", c);
				return 1;
			}
		}
		if (c % 100 == 0 || rand() % 2) {
			struct v4l2_buffer b = { .type = type, .memory = V4L2_MEMORY_MMAP };

			while (!xioctl(VIDIOC_DQBUF, &b)) {
				if (b.flags & V4L2_BUF_FLAG_ERROR) {
					printf("streamcycle: FAIL: cycle %ld: buffer %u dequeued with V4L2_BUF_FLAG_ERROR\n", c,
					       b.index);
					return 1;
				}
				if (b.bytesused != fmt.fmt.pix.sizeimage)
					die(c, "a done frame with a wrong payload");
				frames++;
			}
			if (errno != EAGAIN)
				die(c, "DQBUF");
		}
		if (xioctl(VIDIOC_STREAMOFF, &type))
			die(c, "STREAMOFF");
		for (unsigned i = 0; i < NBUF; i++) {
			struct v4l2_buffer b = { .type = type, .memory = V4L2_MEMORY_MMAP, .index = i };

			if (xioctl(VIDIOC_QUERYBUF, &b))
				die(c, "QUERYBUF");
			if (b.flags & (V4L2_BUF_FLAG_QUEUED | V4L2_BUF_FLAG_DONE)) {
				printf("streamcycle: FAIL: cycle %ld: buffer %u still %s after STREAMOFF\n", c, i,
				       b.flags & V4L2_BUF_FLAG_QUEUED ? "queued" : "done");
				return 1;
			}
		}
	}
	req.count = 0;
	if (xioctl(VIDIOC_REQBUFS, &req))
		die(cycles, "REQBUFS 0");
	close(fd);
	if (frames < cycles / 100) {
		printf("streamcycle: FAIL: %ld frames dequeued in %ld cycles: fewer than the %ld waited for\n", frames,
		       cycles, cycles / 100);
		return 1;
	}
	printf("streamcycle: %ld STREAMON/STREAMOFF cycles, %ld good frames dequeued (at least %ld), every buffer back each time\n",
	       cycles, frames, cycles / 100);
	return 0;
}
