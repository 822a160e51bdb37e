// SPDX-License-Identifier: GPL-2.0
/*
 * v4l2fuzz DEVICE N SEED: N random calls (at least 2) on a V4L2 capture
 * node from two processes at once, each making N/2: open/close, mmap/
 * munmap of buffer offsets, REQBUFS/CREATE_BUFS/QUERYBUF/QBUF/DQBUF/EXPBUF/
 * STREAMON/STREAMOFF, format and parameter calls with random contents, every
 * V4L2 ioctl with random struct bytes, random ioctl numbers, read and poll,
 * in random order. The arguments are valid, random, NULL, unmapped, a
 * kernel address, or a struct running into an unmapped page. One file is
 * opened before the fork and shared (concurrent calls on one file); each
 * process also opens its own (queue ownership moves between them). Every
 * file is non-blocking, so no call can wait for a frame.
 *
 * The kernel's answers are not judged here (errors are expected); the
 * kernel log is (KASAN, lockdep, UBSAN, WARN: tests/vm/fuzz.sh). Prints the
 * seed first, then one summary line per process; exit 0 unless a process
 * died (a signal, a failed setup), 2 on usage. With V4L2FUZZ_TRACE set,
 * each operation is printed on stderr before it runs (to find a hang).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xorshift.h"

/* Newer than Debian 12's UAPI headers (Linux 6.10). */
#ifndef VIDIOC_REMOVE_BUFS
struct v4l2_remove_buffers {
	__u32 index;
	__u32 count;
	__u32 type;
	__u32 reserved[13];
};
#define VIDIOC_REMOVE_BUFS _IOWR('V', 104, struct v4l2_remove_buffers)
#endif

#define MAXFD 3
#define MAXMAP 16
#define PAGE 4096


static uint32_t pick(const uint32_t *v, size_t n)
{
	return v[rnd() % n];
}
#define PICK(a) pick(a, sizeof(a) / sizeof(a[0]))
/* Mostly what a capture client uses, sometimes anything. */
#define TYPE() (rnd() % 4 ? V4L2_BUF_TYPE_VIDEO_CAPTURE : PICK(buf_types))
#define MEMORY() (rnd() % 4 ? V4L2_MEMORY_MMAP : PICK(memories))

/* Every ioctl of the V4L2 UAPI: called with random struct bytes. */
static const unsigned long v4l2_ioctls[] = {
	VIDIOC_QUERYCAP, VIDIOC_ENUM_FMT, VIDIOC_G_FMT, VIDIOC_S_FMT, VIDIOC_REQBUFS,
	VIDIOC_QUERYBUF, VIDIOC_G_FBUF, VIDIOC_S_FBUF, VIDIOC_OVERLAY, VIDIOC_QBUF,
	VIDIOC_EXPBUF, VIDIOC_DQBUF, VIDIOC_STREAMON, VIDIOC_STREAMOFF, VIDIOC_G_PARM,
	VIDIOC_S_PARM, VIDIOC_G_STD, VIDIOC_S_STD, VIDIOC_ENUMSTD, VIDIOC_ENUMINPUT,
	VIDIOC_G_CTRL, VIDIOC_S_CTRL, VIDIOC_G_TUNER, VIDIOC_S_TUNER, VIDIOC_G_AUDIO,
	VIDIOC_S_AUDIO, VIDIOC_QUERYCTRL, VIDIOC_QUERYMENU, VIDIOC_G_INPUT, VIDIOC_S_INPUT,
	VIDIOC_G_EDID, VIDIOC_S_EDID, VIDIOC_G_OUTPUT, VIDIOC_S_OUTPUT, VIDIOC_ENUMOUTPUT,
	VIDIOC_G_AUDOUT, VIDIOC_S_AUDOUT, VIDIOC_G_MODULATOR, VIDIOC_S_MODULATOR,
	VIDIOC_G_FREQUENCY, VIDIOC_S_FREQUENCY, VIDIOC_CROPCAP, VIDIOC_G_CROP, VIDIOC_S_CROP,
	VIDIOC_G_JPEGCOMP, VIDIOC_S_JPEGCOMP, VIDIOC_QUERYSTD, VIDIOC_TRY_FMT,
	VIDIOC_ENUMAUDIO, VIDIOC_ENUMAUDOUT, VIDIOC_G_PRIORITY, VIDIOC_S_PRIORITY,
	VIDIOC_G_SLICED_VBI_CAP, VIDIOC_G_EXT_CTRLS, VIDIOC_S_EXT_CTRLS,
	VIDIOC_TRY_EXT_CTRLS, VIDIOC_ENUM_FRAMESIZES, VIDIOC_ENUM_FRAMEINTERVALS,
	VIDIOC_G_ENC_INDEX, VIDIOC_ENCODER_CMD, VIDIOC_TRY_ENCODER_CMD,
	VIDIOC_S_HW_FREQ_SEEK, VIDIOC_S_DV_TIMINGS, VIDIOC_G_DV_TIMINGS, VIDIOC_DQEVENT,
	VIDIOC_SUBSCRIBE_EVENT, VIDIOC_UNSUBSCRIBE_EVENT, VIDIOC_CREATE_BUFS,
	VIDIOC_PREPARE_BUF, VIDIOC_G_SELECTION, VIDIOC_S_SELECTION, VIDIOC_DECODER_CMD,
	VIDIOC_TRY_DECODER_CMD, VIDIOC_ENUM_DV_TIMINGS, VIDIOC_QUERY_DV_TIMINGS,
	VIDIOC_DV_TIMINGS_CAP, VIDIOC_ENUM_FREQ_BANDS, VIDIOC_QUERY_EXT_CTRL,
	VIDIOC_REMOVE_BUFS, VIDIOC_LOG_STATUS,
};
static const uint32_t buf_types[] = { V4L2_BUF_TYPE_VIDEO_CAPTURE, V4L2_BUF_TYPE_VIDEO_CAPTURE,
				      V4L2_BUF_TYPE_VIDEO_CAPTURE, V4L2_BUF_TYPE_VIDEO_OUTPUT,
				      V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE, 0, 0xffffffff };
static const uint32_t memories[] = { V4L2_MEMORY_MMAP, V4L2_MEMORY_MMAP, V4L2_MEMORY_MMAP,
				     V4L2_MEMORY_USERPTR, V4L2_MEMORY_DMABUF, 0, 77 };
static const uint32_t pixfmts[] = { V4L2_PIX_FMT_YUYV, V4L2_PIX_FMT_NV12, V4L2_PIX_FMT_RGB24,
				    V4L2_PIX_FMT_MJPEG, 0, 0xffffffff };
static const uint32_t sizes[] = { 0, 1, 2, 3, 16, 160, 240, 320, 641, 1080, 1920, 4096, 65535,
				  0x7fffffff, 0xffffffff };

struct map {
	void *addr;
	size_t len;
};

struct state {
	int fds[MAXFD];
	struct map maps[MAXMAP];
	uint32_t offsets[8]; /* mmap offsets seen in QUERYBUF */
	const char *dev;
	unsigned char *page; /* a page followed by an unmapped guard page */
	long calls, ok, errors, faults;
	long reqbufs, qbufs, streamons, dqbufs; /* successful ones */
	int id, trace;
};

static sigjmp_buf touch_env;

static void on_fault(int sig)
{
	siglongjmp(touch_env, sig);
}

static int any_fd(struct state *st)
{
	int start = rnd() % MAXFD;

	/* Sometimes a closed or foreign descriptor (never 0-2: a read from
	 * the console would block), mostly an open one. */
	if (rnd() % 16 == 0)
		return rnd() % 2 ? st->fds[start] : (int)(3 + rnd() % 61);
	for (int i = 0; i < MAXFD; i++)
		if (st->fds[(start + i) % MAXFD] >= 0)
			return st->fds[(start + i) % MAXFD];
	return -1;
}

/* Random bytes at the start of the page; returns the argument to pass. */
static void *argument(struct state *st, size_t size)
{
	for (size_t k = 0; k < size && k < PAGE; k += 8) {
		uint64_t r = rnd();

		memcpy(st->page + k, &r, size - k < 8 ? size - k : 8);
	}
	switch (rnd() % 16) {
	case 0: return NULL;
	case 1: return st->page + PAGE; /* unmapped */
	case 2: return (void *)(uintptr_t)(rnd() | (1ull << 63)); /* kernel */
	case 3: /* runs into the unmapped page */
		memmove(st->page + PAGE - size / 2, st->page, size / 2);
		return st->page + PAGE - size / 2;
	default: return st->page;
	}
}

static void buffer(struct state *st, struct v4l2_buffer *b, struct v4l2_plane *planes)
{
	memset(b, 0, sizeof(*b));
	if (rnd() % 8 == 0)
		for (size_t k = 0; k < sizeof(*b); k++)
			((unsigned char *)b)[k] = (unsigned char)rnd();
	b->type = TYPE();
	b->memory = MEMORY();
	b->index = rnd() % 4 ? rnd() % 6 : (uint32_t)rnd();
	if (b->type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE) {
		b->m.planes = planes;
		b->length = rnd() % 10;
	} else if (b->memory == V4L2_MEMORY_USERPTR) {
		b->m.userptr = rnd() % 2 ? (unsigned long)st->page : (unsigned long)rnd();
		b->length = PICK(sizes);
	} else if (b->memory == V4L2_MEMORY_DMABUF) {
		b->m.fd = rnd() % 2 ? any_fd(st) : (int)rnd();
	}
}

static int call(struct state *st, int fd, unsigned long req, void *arg)
{
	int r = ioctl(fd, req, arg);

	st->calls++;
	if (r < 0)
		st->errors++;
	else
		st->ok++;
	return r;
}

static void step(struct state *st)
{
	int fd = any_fd(st);
	int slot = rnd() % MAXFD;
	struct v4l2_plane planes[10];
	struct v4l2_buffer b;

	int op = rnd() % 20;

	memset(planes, 0, sizeof(planes));
	/* V4L2FUZZ_TRACE=1: each operation before it runs (find a hang). */
	if (st->trace)
		fprintf(stderr, "v4l2fuzz: %d: call %ld: op %d fd %d\n", st->id, st->calls, op, fd);
	switch (op) {
	case 0: /* open or close */
		if (st->fds[slot] >= 0) {
			close(st->fds[slot]);
			st->fds[slot] = -1;
		} else {
			st->fds[slot] = open(st->dev, O_RDWR | O_NONBLOCK);
		}
		st->calls++;
		break;
	case 1: { /* mmap a buffer's offset (or a random one) */
		struct map *m = &st->maps[rnd() % MAXMAP];
		off_t off = rnd() % 4 ? st->offsets[rnd() % 8] : (off_t)(rnd() % 64) * PAGE;
		size_t len = rnd() % 2 ? 320 * 240 * 2 : (rnd() % 1024 + 1) * PAGE;

		if (m->addr)
			munmap(m->addr, m->len);
		m->addr = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
		m->len = len;
		st->calls++;
		if (m->addr == MAP_FAILED) {
			m->addr = NULL;
			st->errors++;
			break;
		}
		st->ok++;
		/* Touch it: a page the kernel no longer backs must fault
		 * (counted), never hand out foreign memory. */
		if (sigsetjmp(touch_env, 1) == 0)
			*(volatile unsigned char *)m->addr = *(volatile unsigned char *)m->addr;
		else
			st->faults++;
		break;
	}
	case 2: { /* munmap */
		struct map *m = &st->maps[rnd() % MAXMAP];

		if (m->addr)
			munmap(m->addr, m->len);
		m->addr = NULL;
		break;
	}
	case 3: case 4: { /* REQBUFS */
		struct v4l2_requestbuffers rb = { 0 };

		rb.count = rnd() % 4 ? rnd() % 6 : (uint32_t)PICK(sizes);
		rb.type = TYPE();
		rb.memory = MEMORY();
		rb.flags = rnd() % 4 ? 0 : (uint8_t)rnd();
		if (call(st, fd, VIDIOC_REQBUFS, &rb) == 0 && rb.count)
			st->reqbufs++;
		break;
	}
	case 5: { /* CREATE_BUFS */
		struct v4l2_create_buffers cb = { 0 };

		cb.count = rnd() % 6;
		cb.memory = MEMORY();
		cb.format.type = TYPE();
		cb.format.fmt.pix.width = PICK(sizes);
		cb.format.fmt.pix.height = PICK(sizes);
		cb.format.fmt.pix.pixelformat = PICK(pixfmts);
		cb.format.fmt.pix.sizeimage = PICK(sizes);
		call(st, fd, VIDIOC_CREATE_BUFS, &cb);
		break;
	}
	case 6: /* QUERYBUF: remember the offset */
		buffer(st, &b, planes);
		if (call(st, fd, VIDIOC_QUERYBUF, &b) == 0 && b.memory == V4L2_MEMORY_MMAP &&
		    b.type == V4L2_BUF_TYPE_VIDEO_CAPTURE)
			st->offsets[b.index % 8] = b.m.offset;
		break;
	case 7: case 8: /* QBUF */
		buffer(st, &b, planes);
		if (call(st, fd, VIDIOC_QBUF, &b) == 0)
			st->qbufs++;
		break;
	case 9: /* DQBUF (non-blocking) or PREPARE_BUF */
		buffer(st, &b, planes);
		if (rnd() % 4) {
			if (call(st, fd, VIDIOC_DQBUF, &b) == 0)
				st->dqbufs++;
		} else {
			call(st, fd, VIDIOC_PREPARE_BUF, &b);
		}
		break;
	case 10: { /* STREAMON / STREAMOFF */
		int type = TYPE();

		if (rnd() % 2) {
			if (call(st, fd, VIDIOC_STREAMON, &type) == 0)
				st->streamons++;
		} else {
			call(st, fd, VIDIOC_STREAMOFF, &type);
		}
		break;
	}
	case 11: { /* S_FMT / TRY_FMT / G_FMT */
		static const unsigned long reqs[] = { VIDIOC_S_FMT, VIDIOC_TRY_FMT, VIDIOC_G_FMT };
		struct v4l2_format f;

		memset(&f, 0, sizeof(f));
		f.type = TYPE();
		f.fmt.pix.width = PICK(sizes);
		f.fmt.pix.height = PICK(sizes);
		f.fmt.pix.pixelformat = PICK(pixfmts);
		f.fmt.pix.field = rnd() % 12;
		f.fmt.pix.bytesperline = rnd() % 2 ? 0 : PICK(sizes);
		f.fmt.pix.sizeimage = rnd() % 2 ? 0 : PICK(sizes);
		call(st, fd, reqs[rnd() % 3], &f);
		break;
	}
	case 12: { /* S_PARM / G_PARM */
		struct v4l2_streamparm p;

		memset(&p, 0, sizeof(p));
		p.type = TYPE();
		p.parm.capture.timeperframe.numerator = PICK(sizes);
		p.parm.capture.timeperframe.denominator = PICK(sizes);
		p.parm.capture.readbuffers = rnd() % 40;
		call(st, fd, rnd() % 2 ? VIDIOC_S_PARM : VIDIOC_G_PARM, &p);
		break;
	}
	case 13: { /* EXPBUF: the exported descriptor feeds DMABUF QBUFs */
		struct v4l2_exportbuffer e = { 0 };

		e.type = TYPE();
		e.index = rnd() % 6;
		e.flags = rnd() % 2 ? O_CLOEXEC : (uint32_t)rnd();
		if (call(st, fd, VIDIOC_EXPBUF, &e) == 0) {
			struct v4l2_buffer q;

			buffer(st, &q, planes);
			q.memory = V4L2_MEMORY_DMABUF;
			q.m.fd = e.fd;
			call(st, fd, VIDIOC_QBUF, &q);
			close(e.fd);
		}
		break;
	}
	case 14: case 15: case 16: { /* any V4L2 ioctl, random contents */
		unsigned long req = v4l2_ioctls[rnd() % (sizeof(v4l2_ioctls) / sizeof(v4l2_ioctls[0]))];

		call(st, fd, req, argument(st, _IOC_SIZE(req)));
		break;
	}
	case 17: { /* random numbers: V4L2's type, or anything */
		unsigned long req = rnd() % 2 ? _IOC(rnd() % 4, 'V', rnd() % 256, rnd() % 512)
					      : (unsigned int)rnd();

		call(st, fd, req, argument(st, 512));
		break;
	}
	case 18: { /* read */
		char small[64];
		ssize_t r = read(fd, rnd() % 2 ? (void *)small : argument(st, 64), rnd() % 64);

		st->calls++;
		if (r < 0)
			st->errors++;
		else
			st->ok++;
		break;
	}
	default: { /* poll; sometimes waiting up to 2 frames, so DQBUFs find one */
		struct pollfd p = { .fd = fd, .events = POLLIN | POLLPRI | POLLOUT };

		poll(&p, 1, rnd() % 8 ? 0 : 70);
		st->calls++;
		break;
	}
	}
}

static int run(const char *dev, int shared, long n, uint64_t seed, int id)
{
	struct state st;
	struct sigaction sa;

	memset(&st, 0, sizeof(st));
	st.dev = dev;
	st.id = id;
	st.trace = getenv("V4L2FUZZ_TRACE") != NULL;
	for (int i = 0; i < MAXFD; i++)
		st.fds[i] = -1;
	st.fds[0] = shared;
	st.page = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (st.page == MAP_FAILED || mprotect(st.page + PAGE, PAGE, PROT_NONE)) {
		perror("mmap");
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fault;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	rng_seed(seed ^ (0x9e3779b97f4a7c15ull * (uint64_t)(id + 1)));
	while (st.calls < n)
		step(&st);
	for (int i = 0; i < MAXFD; i++)
		if (st.fds[i] >= 0)
			close(st.fds[i]);
	for (int i = 0; i < MAXMAP; i++)
		if (st.maps[i].addr)
			munmap(st.maps[i].addr, st.maps[i].len);
	printf("v4l2fuzz: process %d: %ld calls, %ld ok, %ld errors, %ld faulting mappings; "
	       "succeeded: %ld REQBUFS, %ld QBUF, %ld STREAMON, %ld DQBUF\n",
	       id, st.calls, st.ok, st.errors, st.faults, st.reqbufs, st.qbufs, st.streamons, st.dqbufs);
	return 0;
}

int main(int argc, char **argv)
{
	long n;
	uint64_t seed;
	int shared, bad = 0;
	pid_t pids[2];

	if (argc != 4 || (n = atol(argv[2])) < 2)
		return fprintf(stderr, "usage: v4l2fuzz DEVICE N SEED\n"), 2;
	seed = strtoull(argv[3], NULL, 0);
	printf("v4l2fuzz: %s, %ld calls from 2 processes, seed %llu\n", argv[1], n,
	       (unsigned long long)seed);
	fflush(stdout);
	shared = open(argv[1], O_RDWR | O_NONBLOCK);
	if (shared < 0) {
		perror(argv[1]);
		return 1;
	}
	for (int id = 0; id < 2; id++) {
		pids[id] = fork();
		if (pids[id] < 0) {
			perror("fork");
			return 1;
		}
		if (pids[id] == 0) {
			int r = run(argv[1], shared, n / 2, seed, id);

			fflush(stdout);
			_exit(r);
		}
	}
	close(shared);
	for (int id = 0; id < 2; id++) {
		int status;

		if (waitpid(pids[id], &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
			printf("v4l2fuzz: process %d died (status %#x); seed %llu\n", id, status,
			       (unsigned long long)seed);
			bad = 1;
		}
	}
	return bad;
}
