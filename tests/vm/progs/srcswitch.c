// SPDX-License-Identifier: GPL-2.0
/*
 * srcswitch DEVICE SIMDIR: the simulated HDMI source switches from 1080p60
 * to 720p60 while a V4L2 client streams (the driver's timings and format
 * at 1080p60, the source's `vic` knob at 16 when called).
 *
 * Streams YUYV 1920x1080 through 4 mmap buffers and dequeues 3 frames
 * (header geometry checked), subscribed to V4L2_EVENT_SOURCE_CHANGE and to
 * the V4L2_EVENT_CTRL of V4L2_CID_DV_RX_POWER_PRESENT. Then sets the
 * source to VIC 4 (720p60): a SOURCE_CHANGE event (SRC_CH_RESOLUTION)
 * arrives, QUERY_DV_TIMINGS gives 1280x720 at 74.25 MHz, S_FMT of the old
 * size and of the new one are refused with EBUSY while streaming and
 * G_DV_TIMINGS still holds 1080p60 (the client restarts, not the driver).
 * Stops and frees the buffers; unplugs and replugs the simulated cable:
 * a control event with DV_RX_POWER_PRESENT 0, then 1. The poll() timeouts
 * only bound a hang. Prints one line per part; exit 0 when all held.
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
#include <unistd.h>

#include "v4l2util.h"

#define NBUF 4

static const char *simdir;

#define fail(...) do { printf("srcswitch: FAIL: " __VA_ARGS__); printf("\n"); exit(1); } while (0)

static void knob(const char *name, const char *value)
{
	if (write_knob(simdir, name, value))
		fail("writing %s to %s/%s: %s", value, simdir, name, strerror(errno));
}

/* Waits (bounded) for an event and dequeues it; control events of value changes only. */
static void wait_event(int fd, struct v4l2_event *ev, const char *what)
{
	struct pollfd p = { .fd = fd, .events = POLLPRI };

	if (poll(&p, 1, 10000) != 1 || !(p.revents & POLLPRI))
		fail("%s: no event reported by poll (revents %#x)", what, p.revents);
	memset(ev, 0, sizeof(*ev));
	if (xioctl(fd, VIDIOC_DQEVENT, ev))
		fail("%s: DQEVENT: %s", what, strerror(errno));
}

static void expect_power_event(int fd, int value, const char *what)
{
	struct v4l2_event ev;

	/* The source-change events of the same hotplug may come first. */
	do
		wait_event(fd, &ev, what);
	while (ev.type == V4L2_EVENT_SOURCE_CHANGE);
	if (ev.type != V4L2_EVENT_CTRL || ev.id != V4L2_CID_DV_RX_POWER_PRESENT ||
	    !(ev.u.ctrl.changes & V4L2_EVENT_CTRL_CH_VALUE) || ev.u.ctrl.value != value)
		fail("%s: event type %u id %#x changes %#x value %d, expected DV_RX_POWER_PRESENT %d", what, ev.type,
		     ev.id, ev.u.ctrl.changes, ev.u.ctrl.value, value);
}

static void expect_s_fmt_busy(int fd, unsigned w, unsigned h)
{
	struct v4l2_format fmt = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };

	fmt.fmt.pix.width = w;
	fmt.fmt.pix.height = h;
	fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_YUYV;
	int r = xioctl(fd, VIDIOC_S_FMT, &fmt);

	if (r == 0 || errno != EBUSY)
		fail("S_FMT %ux%u while streaming: %s, expected EBUSY", w, h, r ? strerror(errno) : "success");
}

int main(int argc, char **argv)
{
	enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	struct v4l2_format fmt = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	struct v4l2_requestbuffers req;
	struct v4l2_event_subscription sub;
	struct v4l2_dv_timings t;
	struct v4l2_event ev;
	struct v4l2_buffer b;
	void *mem[NBUF];
	size_t len[NBUF];
	unsigned i;
	int fd;

	if (argc != 3)
		return fprintf(stderr, "usage: srcswitch DEVICE SIMDIR\n"), 2;
	simdir = argv[2];
	fd = open(argv[1], O_RDWR | O_NONBLOCK);
	if (fd < 0)
		fail("open %s: %s", argv[1], strerror(errno));
	memset(&sub, 0, sizeof(sub));
	sub.type = V4L2_EVENT_SOURCE_CHANGE;
	if (xioctl(fd, VIDIOC_SUBSCRIBE_EVENT, &sub))
		fail("SUBSCRIBE_EVENT(SOURCE_CHANGE): %s", strerror(errno));
	memset(&sub, 0, sizeof(sub));
	sub.type = V4L2_EVENT_CTRL;
	sub.id = V4L2_CID_DV_RX_POWER_PRESENT;
	if (xioctl(fd, VIDIOC_SUBSCRIBE_EVENT, &sub))
		fail("SUBSCRIBE_EVENT(CTRL DV_RX_POWER_PRESENT): %s", strerror(errno));
	/* V4L2_EVENT_CTRL sends the current value at subscription: take it. */
	while (xioctl(fd, VIDIOC_DQEVENT, &ev) == 0)
		;

	fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_YUYV;
	if (xioctl(fd, VIDIOC_S_FMT, &fmt) || fmt.fmt.pix.width != 1920 || fmt.fmt.pix.height != 1080)
		fail("S_FMT: %s, %ux%u, expected 1920x1080", strerror(errno), fmt.fmt.pix.width, fmt.fmt.pix.height);
	memset(&req, 0, sizeof(req));
	req.count = NBUF;
	req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	req.memory = V4L2_MEMORY_MMAP;
	if (xioctl(fd, VIDIOC_REQBUFS, &req) || req.count != NBUF)
		fail("REQBUFS: %s, %u buffers", strerror(errno), req.count);
	for (i = 0; i < NBUF; i++) {
		memset(&b, 0, sizeof(b));
		b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		b.memory = V4L2_MEMORY_MMAP;
		b.index = i;
		if (xioctl(fd, VIDIOC_QUERYBUF, &b))
			fail("QUERYBUF: %s", strerror(errno));
		len[i] = b.length;
		mem[i] = mmap(NULL, b.length, PROT_READ, MAP_SHARED, fd, b.m.offset);
		if (mem[i] == MAP_FAILED)
			fail("mmap: %s", strerror(errno));
		if (xioctl(fd, VIDIOC_QBUF, &b))
			fail("QBUF: %s", strerror(errno));
	}
	if (xioctl(fd, VIDIOC_STREAMON, &type))
		fail("STREAMON: %s", strerror(errno));
	for (i = 0; i < 3; i++) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		unsigned char *f;

		if (poll(&p, 1, 10000) != 1 || !(p.revents & POLLIN))
			fail("no frame within 10 s (revents %#x)", p.revents);
		memset(&b, 0, sizeof(b));
		b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		b.memory = V4L2_MEMORY_MMAP;
		if (xioctl(fd, VIDIOC_DQBUF, &b))
			fail("DQBUF: %s", strerror(errno));
		f = mem[b.index];
		if (memcmp(f, "HY300TVC", 8) || le32(f + 12) != 1920 || le32(f + 16) != 1080)
			fail("frame %u: header %ux%u, expected 1920x1080", i, le32(f + 12), le32(f + 16));
		if (xioctl(fd, VIDIOC_QBUF, &b))
			fail("QBUF: %s", strerror(errno));
	}
	printf("srcswitch: 3 frames of 1920x1080 streamed\n");

	knob("vic", "4");
	wait_event(fd, &ev, "source switched to 720p60");
	if (ev.type != V4L2_EVENT_SOURCE_CHANGE || !(ev.u.src_change.changes & V4L2_EVENT_SRC_CH_RESOLUTION))
		fail("source switched: event type %u changes %#x, expected SOURCE_CHANGE (resolution)", ev.type,
		     ev.u.src_change.changes);
	memset(&t, 0, sizeof(t));
	if (xioctl(fd, VIDIOC_QUERY_DV_TIMINGS, &t) || t.bt.width != 1280 || t.bt.height != 720 ||
	    t.bt.pixelclock != 74250000)
		fail("QUERY_DV_TIMINGS after the switch: %s, %ux%u at %llu Hz, expected 720p60", strerror(errno),
		     t.bt.width, t.bt.height, (unsigned long long)t.bt.pixelclock);
	expect_s_fmt_busy(fd, 1920, 1080);
	expect_s_fmt_busy(fd, 1280, 720);
	memset(&t, 0, sizeof(t));
	if (xioctl(fd, VIDIOC_G_DV_TIMINGS, &t) || t.bt.width != 1920 || t.bt.height != 1080)
		fail("G_DV_TIMINGS while streaming: %ux%u, expected the 1080p60 set", t.bt.width, t.bt.height);
	printf("srcswitch: 1080p60 -> 720p60: SOURCE_CHANGE, QUERY_DV_TIMINGS 720p60, S_FMT EBUSY while streaming\n");

	if (xioctl(fd, VIDIOC_STREAMOFF, &type))
		fail("STREAMOFF: %s", strerror(errno));
	for (i = 0; i < NBUF; i++)
		munmap(mem[i], len[i]);
	req.count = 0;
	if (xioctl(fd, VIDIOC_REQBUFS, &req))
		fail("REQBUFS 0: %s", strerror(errno));
	/* Events the switch queued meanwhile (signal, format) are not the point. */
	while (xioctl(fd, VIDIOC_DQEVENT, &ev) == 0)
		if (ev.type != V4L2_EVENT_SOURCE_CHANGE)
			fail("unexpected event type %u after the switch", ev.type);

	knob("connected", "0");
	expect_power_event(fd, 0, "unplug");
	knob("connected", "1");
	expect_power_event(fd, 1, "plug");
	printf("srcswitch: DV_RX_POWER_PRESENT control events on unplug (0) and plug (1)\n");
	close(fd);
	return 0;
}
