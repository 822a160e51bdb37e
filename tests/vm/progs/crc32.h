/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CRC-32 (IEEE 802.3, reflected, as the kernel's crc32_le with ~0 in
 * and out) that sunxi-mipsloader checks firmware images with: the guest
 * programs that build images (mipsctl, ioctlabi) compute it here once.
 */
#ifndef HY300_TEST_CRC32_H
#define HY300_TEST_CRC32_H

#include <stddef.h>
#include <stdint.h>

static uint32_t crc32_buf(const unsigned char *p, size_t n)
{
	static uint32_t table[256];
	uint32_t c = 0xffffffffu;

	if (!table[1])
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t v = i;

			for (int k = 0; k < 8; k++)
				v = v & 1 ? 0xedb88320u ^ (v >> 1) : v >> 1;
			table[i] = v;
		}
	while (n--)
		c = table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return ~c;
}

#endif
