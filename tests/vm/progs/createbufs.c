// SPDX-License-Identifier: GPL-2.0
/*
 * createbufs DEVICE MAX: VIDIOC_CREATE_BUFS on a V4L2 capture device with
 * one mmap buffer of sizeimage MAX (must be accepted), MAX + 1 and
 * 0x7fffffff (must both be refused with EINVAL, without allocating), then
 * frees the queue. The bound keeps a user's size from reaching the DMA
 * allocator (a 2 GiB request made the page allocator warn). Prints one
 * line; exit 0 when the device behaves so.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int fail(const char *what)
{
	printf("createbufs: FAIL: %s\n", what);
	return 1;
}

/* create: CREATE_BUFS of one buffer of SIZE; returns 0 or the errno. */
static int create(int fd, unsigned int size, unsigned int *count)
{
	struct v4l2_create_buffers cb;

	memset(&cb, 0, sizeof(cb));
	cb.count = 1;
	cb.memory = V4L2_MEMORY_MMAP;
	cb.format.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	if (ioctl(fd, VIDIOC_G_FMT, &cb.format) < 0)
		return errno;
	cb.format.fmt.pix.sizeimage = size;
	if (ioctl(fd, VIDIOC_CREATE_BUFS, &cb) < 0)
		return errno;
	*count = cb.count;
	return 0;
}

int main(int argc, char **argv)
{
	struct v4l2_requestbuffers req;
	unsigned int count = 0, max;
	int fd, err;

	if (argc != 3)
		return fprintf(stderr, "usage: createbufs DEVICE MAX\n"), 2;
	max = strtoul(argv[2], NULL, 0);
	fd = open(argv[1], O_RDWR);
	if (fd < 0)
		return fail("open");
	err = create(fd, 0x7fffffff, &count);
	if (err != EINVAL)
		return fail(err ? "2 GiB: not EINVAL" : "2 GiB buffer created");
	err = create(fd, max + 1, &count);
	if (err != EINVAL)
		return fail(err ? "MAX + 1: not EINVAL" : "MAX + 1 buffer created");
	err = create(fd, max, &count);
	if (err || count != 1)
		return fail("a buffer of MAX bytes was refused");
	memset(&req, 0, sizeof(req));
	req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	req.memory = V4L2_MEMORY_MMAP;
	if (ioctl(fd, VIDIOC_REQBUFS, &req) < 0)
		return fail("REQBUFS 0");
	close(fd);
	printf("createbufs: 2 GiB and MAX + 1 refused (EINVAL), MAX accepted\n");
	return 0;
}
