// SPDX-License-Identifier: GPL-2.0
/*
 * framecheck FILE N WIDTH HEIGHT FOURCC: checks a file of N raw frames
 * written by a V4L2 client (v4l2-ctl --stream-to) from the hy300 simulated
 * source. The file holds exactly N frames of the size of FOURCC (YUYV,
 * YU12 or RGB3) at WIDTHxHEIGHT; every frame starts with the simulated
 * block's header (magic HY300TVC, the frame counter, width, height, fourcc,
 * little endian), its counters go strictly up, and every 4 KiB block k
 * after the header is filled with (counter + k) mod 256. Prints one line;
 * exit 0 when every frame checks out.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "v4l2util.h"

#define BLOCK 4096

int main(int argc, char **argv)
{
	unsigned long n, i, size, k;
	unsigned w, h;
	uint32_t fourcc;
	long prev = -1;
	unsigned char *f;
	FILE *in;

	if (argc != 6 || strlen(argv[5]) != 4)
		return fprintf(stderr, "usage: framecheck FILE N WIDTH HEIGHT FOURCC\n"), 2;
	n = strtoul(argv[2], NULL, 0);
	w = strtoul(argv[3], NULL, 0);
	h = strtoul(argv[4], NULL, 0);
	fourcc = le32((const unsigned char *)argv[5]);
	if (!strcmp(argv[5], "YUYV"))
		size = (unsigned long)w * h * 2;
	else if (!strcmp(argv[5], "YU12"))
		size = (unsigned long)w * h * 3 / 2;
	else if (!strcmp(argv[5], "RGB3"))
		size = (unsigned long)w * h * 3;
	else
		return fprintf(stderr, "framecheck: unknown fourcc %s\n", argv[5]), 2;
	in = fopen(argv[1], "rb");
	f = malloc(size + 1);
	if (!in || !f)
		return printf("framecheck: FAIL: cannot open %s\n", argv[1]), 1;
	for (i = 0; i < n; i++) {
		uint32_t counter;

		if (fread(f, 1, size, in) != size)
			return printf("framecheck: FAIL: %s holds %lu whole frames of %lu bytes, expected %lu\n",
				      argv[1], i, size, n), 1;
		counter = le32(f + 8);
		if (memcmp(f, "HY300TVC", 8) || le32(f + 12) != w || le32(f + 16) != h || le32(f + 20) != fourcc)
			return printf("framecheck: FAIL: frame %lu: header %.8s %ux%u %.4s, expected %ux%u %s\n", i,
				      f, le32(f + 12), le32(f + 16), (char *)f + 20, w, h, argv[5]), 1;
		if ((long)counter <= prev)
			return printf("framecheck: FAIL: frame %lu: counter %u after %ld\n", i, counter, prev), 1;
		prev = counter;
		for (k = 24; k < size; k++)
			if (f[k] != (unsigned char)(counter + k / BLOCK))
				return printf("framecheck: FAIL: frame %lu (counter %u): byte %lu is %#x, expected %#x\n",
					      i, counter, k, f[k], (unsigned char)(counter + k / BLOCK)), 1;
	}
	if (fread(f, 1, 1, in) != 0)
		return printf("framecheck: FAIL: %s holds more than %lu frames\n", argv[1], n), 1;
	printf("framecheck: %lu frames of %ux%u %s, headers and fill pattern exact, last counter %ld\n", n, w, h,
	       argv[5], prev);
	return 0;
}
