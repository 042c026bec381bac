// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_elf.c - thousands of broken guest images, under ASan and UBSan.
 *
 * test_elf.c breaks a small image one known way per case and checks that
 * the checker names exactly that problem.  This program asks the other
 * question: whatever the bytes, does launcher/elf.c keep its promise?  It
 * takes the real guest image, applies a few seeded mutations per case -
 * header and program-header fields set to boundary values, bit flips, runs
 * of random bytes, truncation - and hands the result to elf_check() with
 * a guest memory size chosen from a few.  The promise:
 *
 *   - no read outside the image and no write outside guest memory (the
 *     image and the memory are exact-sized heap blocks, so AddressSanitizer
 *     stops the program at the first stray byte; UndefinedBehaviorSanitizer
 *     stops it at an overflow or a bad shift);
 *   - every problem found comes with at least one message;
 *   - an image accepted has its entry and its end inside guest memory, and
 *     elf_load() then writes only there.
 *
 *	fuzz_elf IMAGE SEED CASES [DIR]
 *
 * prints one "RESULT fuzz.elf PASS|FAIL ..." line with the counts, and
 * writes every 40th mutated image to DIR as NNNNN-ok-<mem>M.elf or
 * NNNNN-bad-<mem>M.elf, so tests/test_fuzz.py can run the whole launcher
 * on them with --mem=<mem>M and check that it agrees.  Read
 * launcher/elf.c alongside; the book's "The launcher" (book/03-launcher.md)
 * describes the checks.
 *
 * Each random value is drawn into a local before use: C leaves the order
 * of evaluation in an expression open, and a seed must replay the same
 * images whatever the compiler chooses.
 */
#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ligeiro.h>
#include "unit.h"
#include "elf.h"
#include "xorshift.h"

/* Guest memory sizes to try: the launcher's minimum, and two above it. */
static const uint64_t mem_sizes[] = { 2ull << 20, 4ull << 20, 16ull << 20 };

/* Every 40th case is written out for the launcher itself to read. */
#define WRITE_EVERY	40

static unsigned long long rng_state;

static uint64_t rnd(void)
{
	return xorshift_next(&rng_state);
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

/* Values that sit on the edges of what a field may hold. */
static uint64_t boundary(uint64_t mem, uint64_t size)
{
	const uint64_t v[] = {
		0, 1, 2, 0x1000, 0xfff, 0x100000, 0x100018, mem - 1, mem,
		mem + 1, size - 1, size, size + 1, UINT32_MAX, INT64_MAX,
		UINT64_MAX, UINT64_MAX - 0xfff, 1ull << 47, PT_LOAD, PT_NOTE,
		ELF_MAX_PHDRS, ELF_MAX_PHDRS + 1,
	};

	return below(4) ? v[below(sizeof(v) / sizeof(v[0]))] : rnd();
}

/* Are n bytes at off inside size?  Written so it cannot wrap. */
static bool fits(uint64_t off, uint64_t n, uint64_t size)
{
	return off <= size && n <= size - off;
}

/* Write the low n bytes of v at off, if they fit. */
static void put(unsigned char *img, size_t size, uint64_t off, uint64_t v,
		size_t n)
{
	if (fits(off, n, size))
		memcpy(img + off, &v, n);
}

/* Program header i, if the header table says where it is and it fits. */
static bool phdr_at(const unsigned char *img, size_t size, unsigned int i,
		    uint64_t *at)
{
	const Elf64_Ehdr *h = (const Elf64_Ehdr *)img;

	if (size < sizeof(*h) || h->e_phoff > size)
		return false;
	*at = h->e_phoff + (uint64_t)i * sizeof(Elf64_Phdr);
	return fits(*at, sizeof(Elf64_Phdr), size);
}

/* One field of the ELF header or of one program header, to a boundary. */
static void mutate_field(unsigned char *img, size_t size, uint64_t mem)
{
	static const struct { size_t off, len; } eh[] = {
		{ offsetof(Elf64_Ehdr, e_type), 2 },
		{ offsetof(Elf64_Ehdr, e_machine), 2 },
		{ offsetof(Elf64_Ehdr, e_entry), 8 },
		{ offsetof(Elf64_Ehdr, e_phoff), 8 },
		{ offsetof(Elf64_Ehdr, e_ehsize), 2 },
		{ offsetof(Elf64_Ehdr, e_phentsize), 2 },
		{ offsetof(Elf64_Ehdr, e_phnum), 2 },
	}, ph[] = {
		{ offsetof(Elf64_Phdr, p_type), 4 },
		{ offsetof(Elf64_Phdr, p_flags), 4 },
		{ offsetof(Elf64_Phdr, p_offset), 8 },
		{ offsetof(Elf64_Phdr, p_vaddr), 8 },
		{ offsetof(Elf64_Phdr, p_paddr), 8 },
		{ offsetof(Elf64_Phdr, p_filesz), 8 },
		{ offsetof(Elf64_Phdr, p_memsz), 8 },
	};
	const Elf64_Ehdr *h = (const Elf64_Ehdr *)img;

	if (below(3) == 0 || size < sizeof(*h)) {
		size_t i = below(sizeof(eh) / sizeof(eh[0]));

		put(img, size, eh[i].off, boundary(mem, size), eh[i].len);
	} else {
		size_t i = below(sizeof(ph) / sizeof(ph[0]));
		uint64_t at;

		if (phdr_at(img, size, below(h->e_phnum + 1), &at))
			put(img, size, at + ph[i].off, boundary(mem, size),
			    ph[i].len);
	}
}

/* The note's name size, descriptor size or descriptor, to a boundary. */
static void mutate_note(unsigned char *img, size_t size, uint64_t mem)
{
	const Elf64_Ehdr *h = (const Elf64_Ehdr *)img;
	unsigned int i;

	for (i = 0; size >= sizeof(*h) && i < h->e_phnum; i++) {
		uint64_t at;
		Elf64_Phdr p;

		if (!phdr_at(img, size, i, &at))
			return;
		memcpy(&p, img + at, sizeof(p));
		if (p.p_type == PT_NOTE && p.p_offset < size) {
			uint64_t word = below(6), v = boundary(mem, size);
			size_t len = below(2) ? 4 : 8;

			put(img, size, p.p_offset + 4 * word, v, len);
			return;
		}
	}
}

/*
 * One segment's edge moved to just around a limit: the file's end, guest
 * memory's end, another segment's start.  Off-by-one bugs live there, and
 * random values almost never land on them.
 */
static void mutate_edge(unsigned char *img, size_t size, uint64_t mem)
{
	const Elf64_Ehdr *h = (const Elf64_Ehdr *)img;
	uint64_t d = below(9) - 4;	/* -4 .. 4, modulo 2^64 */
	uint64_t at;
	Elf64_Phdr p;

	if (size < sizeof(*h) || !phdr_at(img, size, below(h->e_phnum), &at))
		return;
	memcpy(&p, img + at, sizeof(p));
	switch (below(4)) {
	case 0:
		p.p_filesz = size - p.p_offset + d;
		p.p_memsz = p.p_memsz > p.p_filesz ? p.p_memsz : p.p_filesz;
		break;
	case 1:
		p.p_memsz = mem - p.p_paddr + d;
		break;
	case 2:
		p.p_paddr = p.p_vaddr = mem - p.p_memsz + d;
		break;
	case 3:
		p.p_offset = size - p.p_filesz + d;
		break;
	}
	memcpy(img + at, &p, sizeof(p));
}

static size_t mutate(unsigned char *img, size_t size, uint64_t mem)
{
	unsigned int n = 1 + below(4);

	while (n--) {
		switch (below(8)) {
		case 6:
		case 7:
			mutate_edge(img, size, mem);
			break;
		case 0:
		case 1:
			mutate_field(img, size, mem);
			break;
		case 2:
			mutate_note(img, size, mem);
			break;
		case 3: {	/* a bit flip, mostly in the headers */
			size_t at = below(below(2) ? 512 : size);
			unsigned int bit = below(8);

			img[at] ^= 1u << bit;
			break;
		}
		case 4: {	/* a run of random bytes */
			size_t at = below(size), len = 1 + below(16);

			while (len-- && at < size)
				img[at++] = rnd();
			break;
		}
		case 5:		/* cut short, often just before the end */
			size -= below(below(2) || size < 64 ? size : 64);
			break;
		}
	}
	return size;
}

struct tally {
	unsigned int messages;
};

static void count_message(void *ctx, unsigned int problem, const char *msg)
{
	struct tally *t = ctx;

	if (!problem || !msg || !msg[0])
		fail("a message without a problem or text");
	t->messages++;
}

static unsigned char *read_all(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 &&
	    !fseek(f, 0, SEEK_SET) && (buf = malloc(n)) &&
	    fread(buf, 1, n, f) == (size_t)n)
		*size = n;
	else
		free(buf), buf = NULL;
	fclose(f);
	return buf;
}

static void write_case(const char *dir, unsigned long i, bool ok,
		       uint64_t mem, const unsigned char *img, size_t size)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%05lu-%s-%lluM.elf", dir, i,
		 ok ? "ok" : "bad", (unsigned long long)(mem >> 20));
	f = fopen(path, "wb");
	if (!f || fwrite(img, 1, size, f) != size)
		fail("cannot write %s", path);
	if (f)
		fclose(f);
}

int main(int argc, char **argv)
{
	unsigned long cases, i, accepted = 0;
	unsigned char *orig, *mem[3];
	unsigned int seen = 0;
	size_t orig_size;
	unsigned int m;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: fuzz_elf IMAGE SEED CASES [DIR]\n");
		return 2;
	}
	orig = read_all(argv[1], &orig_size);
	if (!orig) {
		perror(argv[1]);
		return 2;
	}
	rng_state = xorshift_seed(strtoull(argv[2], NULL, 0));
	cases = strtoul(argv[3], NULL, 0);
	for (m = 0; m < 3; m++)
		mem[m] = malloc(mem_sizes[m]);

	for (i = 0; i < cases && !why[0]; i++) {
		unsigned char *img = malloc(orig_size);
		struct tally t = { 0 };
		struct elf_guest g;
		unsigned int problems;
		size_t size;
		unsigned char *copy;

		m = below(3);
		memcpy(img, orig, orig_size);
		size = mutate(img, orig_size, mem_sizes[m]);
		/* An exact-sized copy: a read past its end is ASan's to see. */
		copy = malloc(size ? size : 1);
		memcpy(copy, img, size);
		problems = elf_check(copy, size, mem_sizes[m], &g,
				     count_message, &t);
		seen |= problems;
		if (problems && !t.messages)
			fail("case %lu: problems %#x without a message", i,
			     problems);
		if (!problems) {
			accepted++;
			if (g.entry >= mem_sizes[m] || g.end > mem_sizes[m])
				fail("case %lu: accepted, entry %#llx end %#llx"
				     " outside %llu bytes", i,
				     (unsigned long long)g.entry,
				     (unsigned long long)g.end,
				     (unsigned long long)mem_sizes[m]);
			else
				elf_load(copy, mem[m]);
		}
		if (argc == 5 && i % WRITE_EVERY == 0)
			write_case(argv[4], i, !problems, mem_sizes[m], copy,
				   size);
		free(copy);
		free(img);
	}

	printf(LIGEIRO_RESULT_TAG " fuzz.elf %s cases=%lu seed=%s accepted=%lu"
	       " rejected=%lu kinds=%d%s%s\n", why[0] ? "FAIL" : "PASS", i,
	       argv[2], accepted, i - accepted, __builtin_popcount(seen),
	       why[0] ? " " : "", why);
	for (m = 0; m < 3; m++)
		free(mem[m]);
	free(orig);
	return why[0] ? 1 : 0;
}
