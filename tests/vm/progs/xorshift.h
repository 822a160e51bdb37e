/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest fuzzers' random numbers: xorshift64, seeded from the command
 * line so a run can be replayed. Header-only (scripts/vm compiles each
 * program of tests/vm/progs on its own).
 */
#ifndef HY300_XORSHIFT_H
#define HY300_XORSHIFT_H
#include <stdint.h>

static uint64_t rng_state = 1;

/* Any seed; xorshift's state must not be 0. */
static inline void rng_seed(uint64_t seed)
{
	rng_state = seed ? seed : 1;
}

static inline uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}
#endif
