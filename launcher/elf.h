/* SPDX-License-Identifier: GPL-2.0 */
/*
 * elf.h - checking and loading the guest's ELF image.
 *
 * The guest kernel reaches the launcher as an ordinary ELF64 executable,
 * linked identity-mapped at 1 MiB, with a note naming the 64-bit entry
 * point ligeiro starts it at.  Before a single byte of it lands in
 * guest memory the launcher checks the whole file, because a malformed
 * image must fail here, with a clear message, and never as a strange guest
 * crash later.  The checker is a pure function over a byte buffer: no
 * globals, no I/O, so tests/unit/test_elf.c can feed it hand-made images.
 *
 * The book walks through this file in "The launcher"
 * (book/03-launcher.md).  Read elf.c next.
 */
#ifndef LIGEIRO_LAUNCHER_ELF_H
#define LIGEIRO_LAUNCHER_ELF_H

#include <stddef.h>
#include <stdint.h>

/*
 * Every problem the checker can find has its own bit, so a test can ask
 * not just "was it rejected?" but "was it rejected for this reason?".
 * One image may have several problems; the checker returns them all.
 */
enum elf_problem {
	ELF_TRUNCATED		= 1u << 0,	/* shorter than an ELF header */
	ELF_BAD_MAGIC		= 1u << 1,	/* not an ELF file at all */
	ELF_BAD_CLASS		= 1u << 2,	/* not ELFCLASS64 */
	ELF_BAD_DATA		= 1u << 3,	/* not little endian */
	ELF_BAD_VERSION		= 1u << 4,	/* not EV_CURRENT */
	ELF_BAD_MACHINE		= 1u << 5,	/* not EM_X86_64 */
	ELF_BAD_TYPE		= 1u << 6,	/* not ET_EXEC */
	ELF_BAD_EHSIZE		= 1u << 7,	/* wrong e_ehsize */
	ELF_BAD_PHENTSIZE	= 1u << 8,	/* wrong e_phentsize */
	ELF_BAD_PHNUM		= 1u << 9,	/* more than ELF_MAX_PHDRS */
	ELF_PH_OUTSIDE		= 1u << 10,	/* phdrs not in the file */
	ELF_NO_LOAD		= 1u << 11,	/* nothing to load */
	ELF_SEG_OUTSIDE_FILE	= 1u << 12,	/* bytes not in the file */
	ELF_SEG_FILESZ		= 1u << 13,	/* p_filesz > p_memsz */
	ELF_SEG_OUTSIDE_MEM	= 1u << 14,	/* not inside guest memory */
	ELF_SEG_WRAPS		= 1u << 15,	/* p_paddr + p_memsz wraps */
	ELF_SEG_OVERLAP		= 1u << 16,	/* two segments share memory */
	ELF_SEG_NOT_IDENTITY	= 1u << 17,	/* p_vaddr != p_paddr */
	ELF_ENTRY_OUTSIDE	= 1u << 18,	/* entry not in any segment */
	ELF_ENTRY_NOEXEC	= 1u << 19,	/* entry not executable */
	ELF_NO_NOTE		= 1u << 20,	/* no ligeiro entry note */
	ELF_BAD_NOTE		= 1u << 21,	/* a malformed note */
	ELF_NOTE_OUTSIDE	= 1u << 22,	/* its entry not in a segment */
	ELF_NOTE_NOEXEC		= 1u << 23,	/* its entry not executable */
};

/*
 * A guest has a handful of program headers (ours has two or three).  The
 * cap keeps the pairwise overlap check cheap on hostile input, and also
 * refuses PN_XNUM (0xffff), the "real count is elsewhere" escape that a
 * small kernel never needs.
 */
#define ELF_MAX_PHDRS	64

/**
 * elf_report_fn - called once for each problem elf_check() finds.
 * @ctx: the ctx given to elf_check().
 * @problem: the problem's bit, one of enum elf_problem.
 * @msg: one line, without a newline, describing this instance of it.
 */
typedef void (*elf_report_fn)(void *ctx, unsigned int problem,
			      const char *msg);

/**
 * struct elf_guest - what elf_check() learned about a valid image.
 * @entry: the 64-bit entry point, from the ligeiro note (e_entry is the
 *	multiboot2 entry of a native boot, of no use to us).
 * @end: the first guest-physical byte after the highest loaded segment.
 */
struct elf_guest {
	uint64_t entry;
	uint64_t end;
};

/**
 * elf_check() - check that a buffer holds a loadable guest image.
 * @image: the whole file; only image[0..size) is ever read.
 * @size: its length in bytes.
 * @mem_size: the guest's memory, [0, mem_size), which every segment must
 *	fit in.
 * @guest: filled in if the image is valid.
 * @report: called for every problem found; may be NULL.
 * @ctx: passed to @report untouched.
 *
 * Return: the OR of the enum elf_problem bits of every problem found, so 0
 * means the image is safe to give to elf_load().
 */
unsigned int elf_check(const void *image, size_t size, uint64_t mem_size,
		       struct elf_guest *guest, elf_report_fn report,
		       void *ctx);

/**
 * elf_load() - copy a checked image into guest memory.
 * @image: an image that passed elf_check().
 * @mem: the start of guest memory, as large as the mem_size it was
 *	checked against.
 *
 * Each loadable segment's file bytes are copied to @mem + p_paddr, and the
 * rest of the segment (its bss) is zeroed.
 */
void elf_load(const void *image, void *mem);

#endif /* LIGEIRO_LAUNCHER_ELF_H */
