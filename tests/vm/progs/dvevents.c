// SPDX-License-Identifier: GPL-2.0
/*
 * dvevents DEVICE SIMDIR: the HDMI input's DV timings and source-change
 * events of a V4L2 receiver, driven by the simulation's debugfs knobs in
 * SIMDIR (`connected`, `signal`).
 *
 * - ENUMINPUT: input 0 has V4L2_IN_CAP_DV_TIMINGS.
 * - DV_TIMINGS_CAP: BT.656/1120, 320x240..1920x1080, progressive.
 * - ENUM_DV_TIMINGS: every entry within those limits, 1080p60 and 720p60
 *   among them, EINVAL after the last.
 * - V4L2_CID_DV_RX_POWER_PRESENT: 1 with the cable in (signal or not), 0
 *   with it out; a third file subscribed to its V4L2_EVENT_CTRL gets an
 *   event with the new value on unplug and on plug (issue 24).
 * - QUERY_DV_TIMINGS with a signal: the simulated source's mode (knob
 *   `vic`): 1280x720 74.25 MHz at first, 1920x1080 148.5 MHz at VIC 16,
 *   ERANGE at VIC 95 (3840x2160p30, out of range); without a signal
 *   (cable out, or signal off): ENOLINK. Each mode change is a source-change
 *   event. G_DV_TIMINGS at first: the detected 720p60.
 * - The format is the active size of the timings set: G_FMT, TRY_FMT and
 *   S_FMT of other sizes give it, ENUM_FRAMESIZES lists it alone (discrete).
 * - S_DV_TIMINGS: 1080p60 and 720p60 are taken (G_DV_TIMINGS and the
 *   format follow), 3840x2160 is refused with EINVAL and changes nothing;
 *   720p60 (the source's) at the end.
 * - SUBSCRIBE_EVENT(SOURCE_CHANGE) on two files: nothing pending at first;
 *   unplugging, plugging and dropping the signal each queue one event
 *   (V4L2_EVENT_SRC_CH_RESOLUTION) that poll() reports as POLLPRI; after
 *   UNSUBSCRIBE_EVENT on the first file, only the second gets the next.
 *
 * The poll() timeouts only bound a hang (the simulation polls its knobs
 * every 20 ms): no test depends on how fast an event comes. Prints one
 * line per part; exit 0 when all held.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "v4l2util.h"

static const char *simdir;

#define fail(...) do { printf("dvevents: FAIL: " __VA_ARGS__); printf("\n"); exit(1); } while (0)

static void knob(const char *name, const char *value)
{
	if (write_knob(simdir, name, value))
		fail("writing %s to %s/%s: %s", value, simdir, name, strerror(errno));
}

/* Waits (bounded) for one source-change event on fd and dequeues it. */
static void expect_event(int fd, const char *what)
{
	struct pollfd p = { .fd = fd, .events = POLLPRI };
	struct v4l2_event ev;

	if (poll(&p, 1, 10000) != 1 || !(p.revents & POLLPRI))
		fail("%s: no event reported by poll (revents %#x)", what, p.revents);
	memset(&ev, 0, sizeof(ev));
	if (xioctl(fd, VIDIOC_DQEVENT, &ev))
		fail("%s: DQEVENT: %s", what, strerror(errno));
	if (ev.type != V4L2_EVENT_SOURCE_CHANGE || !(ev.u.src_change.changes & V4L2_EVENT_SRC_CH_RESOLUTION))
		fail("%s: event type %u changes %#x", what, ev.type, ev.u.src_change.changes);
	/* One interrupt, one event (hotplug and input change are merged). */
	while (xioctl(fd, VIDIOC_DQEVENT, &ev) == 0)
		if (ev.type != V4L2_EVENT_SOURCE_CHANGE)
			fail("%s: unexpected event type %u", what, ev.type);
}

/* Waits (bounded) for a V4L2_EVENT_CTRL of DV_RX_POWER_PRESENT with value on fd. */
static void expect_power_event(int fd, int value, const char *what)
{
	struct pollfd p = { .fd = fd, .events = POLLPRI };
	struct v4l2_event ev;

	if (poll(&p, 1, 10000) != 1 || !(p.revents & POLLPRI))
		fail("%s: no control event reported by poll (revents %#x)", what, p.revents);
	memset(&ev, 0, sizeof(ev));
	if (xioctl(fd, VIDIOC_DQEVENT, &ev))
		fail("%s: DQEVENT: %s", what, strerror(errno));
	if (ev.type != V4L2_EVENT_CTRL || ev.id != V4L2_CID_DV_RX_POWER_PRESENT ||
	    !(ev.u.ctrl.changes & V4L2_EVENT_CTRL_CH_VALUE) || ev.u.ctrl.value != value)
		fail("%s: event type %u id %#x changes %#x value %d, expected DV_RX_POWER_PRESENT %d", what,
		     ev.type, ev.id, ev.u.ctrl.changes, ev.u.ctrl.value, value);
}

static void expect_no_event(int fd, const char *what)
{
	struct pollfd p = { .fd = fd, .events = POLLPRI };
	struct v4l2_event ev;

	if (poll(&p, 1, 0) != 0)
		fail("%s: poll reports %#x", what, p.revents);
	if (xioctl(fd, VIDIOC_DQEVENT, &ev) == 0 || errno != ENOENT)
		fail("%s: DQEVENT gave an event or %s", what, strerror(errno));
}

static int query(int fd, struct v4l2_dv_timings *t)
{
	memset(t, 0, sizeof(*t));
	return xioctl(fd, VIDIOC_QUERY_DV_TIMINGS, t);
}

/* V4L2_CID_DV_RX_POWER_PRESENT: bit 0 while the cable is plugged in. */
static void expect_power(int fd, int present, const char *what)
{
	struct v4l2_control c = { .id = V4L2_CID_DV_RX_POWER_PRESENT };

	if (xioctl(fd, VIDIOC_G_CTRL, &c))
		fail("%s: G_CTRL(DV_RX_POWER_PRESENT): %s", what, strerror(errno));
	if (c.value != present)
		fail("%s: DV_RX_POWER_PRESENT is %d, expected %d", what, c.value, present);
}

static void expect_nolink(int fd, const char *what)
{
	struct v4l2_dv_timings t;
	struct v4l2_input in = { .index = 0 };

	if (query(fd, &t) == 0 || errno != ENOLINK)
		fail("%s: QUERY_DV_TIMINGS: %s, expected ENOLINK", what, strerror(errno));
	if (xioctl(fd, VIDIOC_ENUMINPUT, &in) || !(in.status & V4L2_IN_ST_NO_SIGNAL))
		fail("%s: ENUMINPUT status %#x", what, in.status);
}

/*
 * QUERY_DV_TIMINGS gives w x h progressive at pclk Hz (err 0), or fails
 * with err. The driver writes the timings found with ERANGE too, but the
 * 7.3 core copies a read-only ioctl's argument back only on success
 * (video_get_user sets always_copy only for ioctls that write), so
 * userspace sees the error alone.
 */
static void expect_query(int fd, int err, unsigned w, unsigned h, unsigned long long pclk, const char *what)
{
	struct v4l2_dv_timings t;
	int r = query(fd, &t);

	if (err ? r == 0 || errno != err : r != 0)
		fail("%s: QUERY_DV_TIMINGS: %s, expected %s", what, r ? strerror(errno) : "success",
		     err ? strerror(err) : "success");
	if (err)
		return;
	if (t.type != V4L2_DV_BT_656_1120 || t.bt.width != w || t.bt.height != h || t.bt.pixelclock != pclk ||
	    t.bt.interlaced)
		fail("%s: detected %ux%u%s at %llu Hz, expected %ux%up at %llu Hz", what, t.bt.width, t.bt.height,
		     t.bt.interlaced ? "i" : "p", (unsigned long long)t.bt.pixelclock, w, h, pclk);
}

/* The source's mode (the simulation's vic knob), then its source-change event on fd. */
static void source_mode(int fd, const char *vic, const char *what)
{
	knob("vic", vic);
	expect_event(fd, what);
}

/*
 * The format is the active size of the timings set (no scaler): G_FMT,
 * TRY_FMT and S_FMT of another size, and ENUM_FRAMESIZES' one discrete size.
 */
static void expect_format_size(int fd, unsigned w, unsigned h, const char *what)
{
	struct v4l2_format fmt = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	struct v4l2_frmsizeenum fs = { .index = 0, .pixel_format = V4L2_PIX_FMT_YUYV };
	int r;

	if (xioctl(fd, VIDIOC_G_FMT, &fmt) || fmt.fmt.pix.width != w || fmt.fmt.pix.height != h)
		fail("%s: G_FMT %ux%u, expected %ux%u", what, fmt.fmt.pix.width, fmt.fmt.pix.height, w, h);
	fmt.fmt.pix.width = 320;
	fmt.fmt.pix.height = 240;
	if (xioctl(fd, VIDIOC_TRY_FMT, &fmt) || fmt.fmt.pix.width != w || fmt.fmt.pix.height != h)
		fail("%s: TRY_FMT 320x240 gave %ux%u, expected %ux%u", what, fmt.fmt.pix.width,
		     fmt.fmt.pix.height, w, h);
	fmt.fmt.pix.width = 640;
	fmt.fmt.pix.height = 480;
	if (xioctl(fd, VIDIOC_S_FMT, &fmt) || fmt.fmt.pix.width != w || fmt.fmt.pix.height != h)
		fail("%s: S_FMT 640x480 gave %ux%u, expected %ux%u", what, fmt.fmt.pix.width,
		     fmt.fmt.pix.height, w, h);
	if (xioctl(fd, VIDIOC_ENUM_FRAMESIZES, &fs) || fs.type != V4L2_FRMSIZE_TYPE_DISCRETE ||
	    fs.discrete.width != w || fs.discrete.height != h)
		fail("%s: ENUM_FRAMESIZES 0: type %u %ux%u, expected discrete %ux%u", what, fs.type,
		     fs.discrete.width, fs.discrete.height, w, h);
	fs.index = 1;
	r = xioctl(fd, VIDIOC_ENUM_FRAMESIZES, &fs);
	if (r == 0 || errno != EINVAL)
		fail("%s: ENUM_FRAMESIZES 1: %s, expected EINVAL (one size)", what, r ? strerror(errno) : "success");
}

static int is_p60(const struct v4l2_dv_timings *t, unsigned w, unsigned h, unsigned long long pclk)
{
	return t->bt.width == w && t->bt.height == h && t->bt.pixelclock == pclk && !t->bt.interlaced;
}

int main(int argc, char **argv)
{
	struct v4l2_input in = { .index = 0 };
	struct v4l2_dv_timings_cap cap;
	struct v4l2_enum_dv_timings e;
	struct v4l2_dv_timings t, p720 = { 0 }, p1080 = { 0 }, g;
	struct v4l2_event_subscription sub;
	struct v4l2_format fmt;
	unsigned n;
	int fd, fd2, fd3;

	if (argc != 3)
		return fprintf(stderr, "usage: dvevents DEVICE SIMDIR\n"), 2;
	simdir = argv[2];
	fd = open(argv[1], O_RDWR | O_NONBLOCK);
	fd2 = open(argv[1], O_RDWR | O_NONBLOCK);
	fd3 = open(argv[1], O_RDWR | O_NONBLOCK);
	if (fd < 0 || fd2 < 0 || fd3 < 0)
		fail("open %s: %s", argv[1], strerror(errno));

	if (xioctl(fd, VIDIOC_ENUMINPUT, &in) || !(in.capabilities & V4L2_IN_CAP_DV_TIMINGS))
		fail("input 0 without V4L2_IN_CAP_DV_TIMINGS (%#x)", in.capabilities);
	memset(&cap, 0, sizeof(cap));
	if (xioctl(fd, VIDIOC_DV_TIMINGS_CAP, &cap))
		fail("DV_TIMINGS_CAP: %s", strerror(errno));
	if (cap.type != V4L2_DV_BT_656_1120 || cap.bt.min_width != 320 || cap.bt.max_width != 1920 ||
	    cap.bt.min_height != 240 || cap.bt.max_height != 1080 ||
	    (cap.bt.capabilities & V4L2_DV_BT_CAP_INTERLACED))
		fail("DV_TIMINGS_CAP: %ux%u..%ux%u caps %#x", cap.bt.min_width, cap.bt.min_height,
		     cap.bt.max_width, cap.bt.max_height, cap.bt.capabilities);
	for (n = 0;; n++) {
		memset(&e, 0, sizeof(e));
		e.index = n;
		if (xioctl(fd, VIDIOC_ENUM_DV_TIMINGS, &e))
			break;
		if (e.timings.bt.width < 320 || e.timings.bt.width > 1920 || e.timings.bt.height < 240 ||
		    e.timings.bt.height > 1080 || e.timings.bt.interlaced)
			fail("ENUM_DV_TIMINGS %u: %ux%u out of the limits", n, e.timings.bt.width, e.timings.bt.height);
		if (is_p60(&e.timings, 1280, 720, 74250000))
			p720 = e.timings;
		if (is_p60(&e.timings, 1920, 1080, 148500000))
			p1080 = e.timings;
	}
	if (errno != EINVAL || !p720.bt.width || !p1080.bt.width)
		fail("ENUM_DV_TIMINGS: %u entries, ended with %s, 720p60 %s, 1080p60 %s", n, strerror(errno),
		     p720.bt.width ? "found" : "missing", p1080.bt.width ? "found" : "missing");
	printf("dvevents: input has DV timings, cap 320x240..1920x1080, %u timings enumerated\n", n);

	/* The simulated source starts at 720p60; the driver took it at probe. */
	expect_query(fd, 0, 1280, 720, 74250000, "with signal");
	memset(&g, 0, sizeof(g));
	if (xioctl(fd, VIDIOC_G_DV_TIMINGS, &g) || !is_p60(&g, 1280, 720, 74250000))
		fail("G_DV_TIMINGS: %ux%u, expected the detected 720p60", g.bt.width, g.bt.height);
	expect_format_size(fd, 1280, 720, "at 720p60");
	if (xioctl(fd, VIDIOC_S_DV_TIMINGS, &p1080))
		fail("S_DV_TIMINGS 1080p60: %s", strerror(errno));
	if (xioctl(fd, VIDIOC_G_DV_TIMINGS, &g) || !is_p60(&g, 1920, 1080, 148500000))
		fail("G_DV_TIMINGS after 1080p60: %ux%u", g.bt.width, g.bt.height);
	expect_format_size(fd, 1920, 1080, "after S_DV_TIMINGS 1080p60");
	if (xioctl(fd, VIDIOC_S_DV_TIMINGS, &p720))
		fail("S_DV_TIMINGS 720p60: %s", strerror(errno));
	memset(&g, 0, sizeof(g));
	fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	if (xioctl(fd, VIDIOC_G_DV_TIMINGS, &g) || !is_p60(&g, 1280, 720, 74250000))
		fail("G_DV_TIMINGS after 720p60: %ux%u", g.bt.width, g.bt.height);
	if (xioctl(fd, VIDIOC_G_FMT, &fmt) || fmt.fmt.pix.width != 1280 || fmt.fmt.pix.height != 720)
		fail("G_FMT after 720p60: %ux%u", fmt.fmt.pix.width, fmt.fmt.pix.height);
	t = p1080;
	t.bt.width = 3840;
	t.bt.height = 2160;
	t.bt.pixelclock = 297000000;
	if (xioctl(fd, VIDIOC_S_DV_TIMINGS, &t) == 0 || errno != EINVAL)
		fail("S_DV_TIMINGS 3840x2160: %s, expected EINVAL", strerror(errno));
	if (xioctl(fd, VIDIOC_G_DV_TIMINGS, &g) || !is_p60(&g, 1280, 720, 74250000))
		fail("a refused S_DV_TIMINGS changed the timings to %ux%u", g.bt.width, g.bt.height);
	expect_format_size(fd, 1280, 720, "after S_DV_TIMINGS 720p60");
	printf("dvevents: S/G_DV_TIMINGS: 1080p60 and 720p60 set and followed by the format, 2160p refused\n");
	printf("dvevents: the format is the timings' active size (TRY/S_FMT, one discrete frame size)\n");

	memset(&sub, 0, sizeof(sub));
	sub.type = V4L2_EVENT_SOURCE_CHANGE;
	if (xioctl(fd, VIDIOC_SUBSCRIBE_EVENT, &sub) || xioctl(fd2, VIDIOC_SUBSCRIBE_EVENT, &sub))
		fail("SUBSCRIBE_EVENT(SOURCE_CHANGE): %s", strerror(errno));
	expect_no_event(fd, "after subscribing");
	memset(&sub, 0, sizeof(sub));
	sub.type = V4L2_EVENT_CTRL;
	sub.id = V4L2_CID_DV_RX_POWER_PRESENT;
	if (xioctl(fd3, VIDIOC_SUBSCRIBE_EVENT, &sub))
		fail("SUBSCRIBE_EVENT(CTRL DV_RX_POWER_PRESENT): %s", strerror(errno));
	expect_no_event(fd3, "after subscribing to the control");
	memset(&sub, 0, sizeof(sub));
	sub.type = V4L2_EVENT_SOURCE_CHANGE;

	knob("connected", "0");
	expect_event(fd, "unplug");
	expect_event(fd2, "unplug (second file)");
	expect_nolink(fd, "unplugged");
	expect_power_event(fd3, 0, "unplug");
	expect_power(fd, 0, "unplugged");
	knob("connected", "1");
	expect_event(fd, "plug");
	expect_event(fd2, "plug (second file)");
	expect_query(fd, 0, 1280, 720, 74250000, "plugged again");
	expect_power_event(fd3, 1, "plug");
	expect_power(fd, 1, "plugged again");
	knob("signal", "0");
	expect_event(fd, "signal lost");
	expect_event(fd2, "signal lost (second file)");
	expect_nolink(fd, "no signal");
	expect_power(fd, 1, "cable in, no signal");
	knob("signal", "1");
	expect_event(fd, "signal back");
	expect_event(fd2, "signal back (second file)");
	expect_query(fd, 0, 1280, 720, 74250000, "signal back");
	source_mode(fd, "16", "source switched to 1080p60");
	expect_event(fd2, "source switched to 1080p60 (second file)");
	expect_query(fd, 0, 1920, 1080, 148500000, "source at 1080p60");
	source_mode(fd, "95", "source switched to 2160p30");
	expect_event(fd2, "source switched to 2160p30 (second file)");
	expect_query(fd, ERANGE, 0, 0, 0, "source at 2160p30 (out of range)");
	source_mode(fd, "4", "source back at 720p60");
	expect_event(fd2, "source back at 720p60 (second file)");
	expect_query(fd, 0, 1280, 720, 74250000, "source back at 720p60");
	printf("dvevents: QUERY_DV_TIMINGS is the source's mode: 720p60, 1080p60, ERANGE at 2160p30\n");
	printf("dvevents: source change on unplug, plug, signal loss and return; QUERY_DV_TIMINGS ENOLINK without signal\n");
	printf("dvevents: DV_RX_POWER_PRESENT control event on unplug and plug\n");

	if (xioctl(fd, VIDIOC_UNSUBSCRIBE_EVENT, &sub))
		fail("UNSUBSCRIBE_EVENT: %s", strerror(errno));
	knob("connected", "0");
	expect_event(fd2, "unplug after the first file unsubscribed");
	expect_no_event(fd, "unsubscribed file");
	knob("connected", "1");
	expect_event(fd2, "plug after the first file unsubscribed");
	expect_no_event(fd, "unsubscribed file");
	printf("dvevents: an unsubscribed file gets no event\n");
	close(fd3);
	close(fd2);
	close(fd);
	return 0;
}
