// SPDX-License-Identifier: GPL-2.0
/*
 * badwrite N SEED FILE...: N writes of invalid input spread over the FILEs
 * (random bytes, huge lengths, signs, whitespace, numbers out of range or
 * with junk), each on a fresh open. Every write must fail; prints the count
 * of refused and (wrongly) accepted writes and exits 1 if any was accepted.
 *
 * badwrite -a N SEED FILE...: fuzzing, N writes to each FILE of random
 * input, valid-looking numbers included (random bytes and lengths, the
 * invalid forms above, numbers of every size and sign), on a descriptor
 * opened anew every REOPEN_EVERY writes. Any answer is
 * allowed; prints the seed first and the counts per file, exits 0 unless a
 * FILE cannot be opened (the kernel log is the verdict: tests/vm/fuzz.sh).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xorshift.h"


/* A value no control file accepts: never a bare number within range. */
static size_t make_input(char *buf, size_t cap)
{
	static const char *junk[] = { "-1", "+1", " 1", "1 ", "\t1", "1\n\n", "0x1", "1e3",
				      "99999999999", "4294967296", "\n", "one", "1,", "１" };
	size_t len;

	switch (rnd() % 4) {
	case 0: /* random bytes, containing at least one non-digit */
		len = 1 + rnd() % 64;
		for (size_t i = 0; i < len; i++)
			buf[i] = (char)rnd();
		buf[rnd() % len] = 'x';
		return len;
	case 1: /* huge */
		len = cap;
		memset(buf, '9', len);
		return len;
	case 2: /* out of range for every control file */
		return (size_t)snprintf(buf, cap, "%llu", (unsigned long long)(100001 + rnd() % 1000000000));
	default: {
		const char *j = junk[rnd() % (sizeof(junk) / sizeof(junk[0]))];

		len = strlen(j);
		memcpy(buf, j, len);
		return len;
	}
	}
}

/* Any input: random bytes or a number of any size, sign and form. */
static size_t any_input(char *buf, size_t cap)
{
	size_t len;

	switch (rnd() % 4) {
	case 0: /* random bytes, NUL and newline included */
		len = rnd() % 2 ? rnd() % 16 : rnd() % cap;
		for (size_t i = 0; i < len; i++)
			buf[i] = (char)rnd();
		return len;
	case 1: /* a small number, the values the files take */
		return (size_t)snprintf(buf, cap, rnd() % 2 ? "%llu\n" : "%llu",
					(unsigned long long)(rnd() % (rnd() % 2 ? 4 : 400)));
	case 2: { /* any 64-bit number, signed or not, decimal or hex */
		static const char *fmts[] = { "%lld", "%llu", "0x%llx", "%lld\n", "-%llu", "+%llu" };

		return (size_t)snprintf(buf, cap, fmts[rnd() % 6],
					(unsigned long long)(rnd() >> (rnd() % 64)));
	}
	default:
		return make_input(buf, cap);
	}
}

#define REOPEN_EVERY 16

static int fuzz(long n, uint64_t seed, int nfiles, char **files)
{
	static char buf[8192];

	printf("badwrite: %ld random writes to each of %d files, seed %llu\n", n, nfiles,
	       (unsigned long long)seed);
	fflush(stdout);
	rng_seed(seed);
	for (int f = 0; f < nfiles; f++) {
		long refused = 0, accepted = 0;

		int fd = -1;

		for (long i = 0; i < n; i++) {
			size_t len = any_input(buf, sizeof(buf));

			/*
			 * A fresh open every REOPEN_EVERY writes: open and
			 * release are fuzzed too, while most writes skip the
			 * path walk, which under KASAN in TCG costs more than
			 * the store() being fuzzed. pwrite at 0: sysfs and
			 * debugfs attributes take every write as a whole value.
			 */
			if (i % REOPEN_EVERY == 0) {
				if (fd >= 0)
					close(fd);
				fd = open(files[f], O_WRONLY);
				if (fd < 0) {
					perror(files[f]);
					return 2;
				}
			}
			if (pwrite(fd, buf, len, 0) < 0)
				refused++;
			else
				accepted++;
		}
		if (fd >= 0)
			close(fd);
		printf("badwrite: %s: %ld writes, %ld refused, %ld accepted\n", files[f], n, refused,
		       accepted);
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static char buf[8192];
	long n = argc > 3 ? atol(argv[1]) : 0;
	long refused = 0, accepted = 0;

	if (argc > 4 && !strcmp(argv[1], "-a") && atol(argv[2]) > 0)
		return fuzz(atol(argv[2]), strtoull(argv[3], NULL, 0), argc - 4, argv + 4);
	if (n <= 0) {
		fprintf(stderr, "usage: badwrite [-a] N SEED FILE...\n");
		return 2;
	}
	rng_seed(strtoull(argv[2], NULL, 0));
	for (long i = 0; i < n; i++) {
		const char *file = argv[3 + rnd() % (argc - 3)];
		size_t len = make_input(buf, sizeof(buf));
		int fd = open(file, O_WRONLY);
		ssize_t r;

		if (fd < 0) {
			perror(file);
			return 2;
		}
		r = write(fd, buf, len);
		if (r < 0)
			refused++;
		else {
			accepted++;
			fprintf(stderr, "badwrite: %s accepted %zu bytes: %.*s\n", file, len, (int)(len < 40 ? len : 40), buf);
		}
		close(fd);
	}
	printf("badwrite: %ld writes, %ld refused, %ld accepted\n", n, refused, accepted);
	return accepted ? 1 : 0;
}
