// SPDX-License-Identifier: GPL-2.0
/*
 * elf.c - checking the guest's ELF image, then loading it.
 *
 * The file comes from the user, so every field in it is a claim to be
 * checked, never a fact: an offset may point past the end of the file, a
 * size may be chosen so that offset + size wraps around to a small number,
 * a segment may ask to be loaded outside guest memory.  Each check below is
 * therefore written so that it cannot overflow (compare a size with what is
 * left, "b > limit - a", rather than "a + b > limit"), and the checker keeps
 * going after a problem so that the user sees all of them at once.
 *
 * Some problems make the rest of the file unreadable: without the ELF magic
 * nothing else means anything; with the wrong class or byte order the
 * header's later fields are in a layout we do not read; with a bad program
 * header table there are no segments to look at.  In those cases the
 * checker reports what it found and stops, rather than reporting nonsense.
 *
 * A guest has two entry points.  e_entry is the multiboot2 entry of a
 * native boot, which starts in 32-bit mode; ligeiro starts the guest in
 * 64-bit mode instead, at the address in an ELF note (ligeiro.h).  Notes
 * are a chain of variable-sized records inside PT_NOTE segments, so they
 * get the same treatment as the headers: every size is checked against
 * what is left before it is used.
 *
 * The book explains these checks in "The launcher" (book/03-launcher.md).
 * The tests in tests/unit/test_elf.c break a valid image one field at a
 * time; read them next.  Read run.h next.
 */
#include <elf.h>		/* the system's Elf64_* types, not ours */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <ligeiro.h>
#include "elf.h"

/* What the checker knows about the image it is walking. */
struct checker {
	const unsigned char *image;
	size_t size;
	uint64_t mem_size;
	Elf64_Ehdr eh;
	unsigned int found;		/* enum elf_problem bits so far */
	bool have_entry;		/* found the ligeiro entry note */
	uint64_t entry;			/* and this is its address */
	uint64_t end;			/* end of the highest PT_LOAD */
	elf_report_fn report;
	void *ctx;
};

__attribute__((format(printf, 3, 4)))
static void problem(struct checker *c, unsigned int bit, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	c->found |= bit;
	if (!c->report)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->report(c->ctx, bit, msg);
}

/*
 * Program header i, copied out rather than pointed at: the file gives no
 * alignment promise, and a copy cannot be misread through a bad pointer.
 * Only call this once the table is known to lie inside the image.
 */
static void read_phdr(const unsigned char *image, const Elf64_Ehdr *eh,
		      unsigned int i, Elf64_Phdr *ph)
{
	memcpy(ph, image + eh->e_phoff + (uint64_t)i * sizeof(*ph),
	       sizeof(*ph));
}

/* The first 16 bytes: is this ELF, and in a layout we can read? */
static bool check_ident(struct checker *c)
{
	const unsigned char *id = c->eh.e_ident;

	if (memcmp(id, ELFMAG, SELFMAG) != 0) {
		problem(c, ELF_BAD_MAGIC, "not an ELF file (bad magic number)");
		return false;
	}
	if (id[EI_CLASS] != ELFCLASS64)
		problem(c, ELF_BAD_CLASS,
			"ELF class %u, not 64-bit (ELFCLASS64)", id[EI_CLASS]);
	if (id[EI_DATA] != ELFDATA2LSB)
		problem(c, ELF_BAD_DATA,
			"ELF data encoding %u, not little endian (ELFDATA2LSB)",
			id[EI_DATA]);
	if (id[EI_VERSION] != EV_CURRENT)
		problem(c, ELF_BAD_VERSION,
			"ELF version %u in e_ident, not EV_CURRENT",
			id[EI_VERSION]);
	return !(c->found & (ELF_BAD_CLASS | ELF_BAD_DATA));
}

/*
 * The rest of the header.  Returns true if the program header table can
 * be walked.  e_phnum and e_phentsize are only 16 bits, so their product
 * cannot overflow; e_phoff is 64 bits of the file's choosing, so adding
 * the table's size to it can, and the test is written as a subtraction.
 */
static bool check_header(struct checker *c)
{
	const Elf64_Ehdr *eh = &c->eh;
	uint64_t table = (uint64_t)eh->e_phnum * eh->e_phentsize;

	if (eh->e_version != EV_CURRENT)
		problem(c, ELF_BAD_VERSION,
			"ELF version %u in e_version, not EV_CURRENT",
			eh->e_version);
	if (eh->e_machine != EM_X86_64)
		problem(c, ELF_BAD_MACHINE,
			"machine %u, not x86-64 (EM_X86_64)", eh->e_machine);
	if (eh->e_type != ET_EXEC)
		problem(c, ELF_BAD_TYPE,
			"ELF type %u, not a fixed-address executable (ET_EXEC)",
			eh->e_type);
	if (eh->e_ehsize != sizeof(Elf64_Ehdr))
		problem(c, ELF_BAD_EHSIZE, "e_ehsize is %u, not %zu",
			eh->e_ehsize, sizeof(Elf64_Ehdr));
	if (eh->e_phentsize != sizeof(Elf64_Phdr)) {
		problem(c, ELF_BAD_PHENTSIZE, "e_phentsize is %u, not %zu",
			eh->e_phentsize, sizeof(Elf64_Phdr));
		return false;
	}
	if (eh->e_phnum > ELF_MAX_PHDRS) {
		problem(c, ELF_BAD_PHNUM, "%u program headers, more than %u",
			eh->e_phnum, ELF_MAX_PHDRS);
		return false;
	}
	if (eh->e_phoff > c->size || table > c->size - eh->e_phoff) {
		problem(c, ELF_PH_OUTSIDE,
			"program headers at %#" PRIx64 " (%" PRIu64
			" bytes) run past the end of the file (%zu bytes)",
			(uint64_t)eh->e_phoff, table, c->size);
		return false;
	}
	return true;
}

/* One PT_LOAD segment on its own: in the file, in guest memory, sane. */
static void check_segment(struct checker *c, unsigned int i,
			  const Elf64_Phdr *ph)
{
	if (ph->p_offset > c->size || ph->p_filesz > c->size - ph->p_offset)
		problem(c, ELF_SEG_OUTSIDE_FILE,
			"segment %u: %#" PRIx64 " bytes at offset %#" PRIx64
			" run past the end of the file (%zu bytes)", i,
			(uint64_t)ph->p_filesz, (uint64_t)ph->p_offset,
			c->size);
	if (ph->p_filesz > ph->p_memsz)
		problem(c, ELF_SEG_FILESZ,
			"segment %u: p_filesz %#" PRIx64
			" is larger than p_memsz %#" PRIx64, i,
			(uint64_t)ph->p_filesz, (uint64_t)ph->p_memsz);
	if (ph->p_vaddr != ph->p_paddr)
		problem(c, ELF_SEG_NOT_IDENTITY,
			"segment %u: p_vaddr %#" PRIx64
			" differs from p_paddr %#" PRIx64
			" (the guest must be linked identity-mapped)", i,
			(uint64_t)ph->p_vaddr, (uint64_t)ph->p_paddr);
	if (ph->p_memsz > UINT64_MAX - ph->p_paddr)
		problem(c, ELF_SEG_WRAPS,
			"segment %u: p_paddr %#" PRIx64 " + p_memsz %#" PRIx64
			" wraps around the address space", i,
			(uint64_t)ph->p_paddr, (uint64_t)ph->p_memsz);
	else if (ph->p_paddr > c->mem_size ||
		 ph->p_memsz > c->mem_size - ph->p_paddr)
		problem(c, ELF_SEG_OUTSIDE_MEM,
			"segment %u: [%#" PRIx64 ", %#" PRIx64
			") is outside guest memory [0, %#" PRIx64 ")", i,
			(uint64_t)ph->p_paddr,
			(uint64_t)(ph->p_paddr + ph->p_memsz), c->mem_size);
}

/* Is addr inside the segment's memory?  Written so it cannot wrap. */
static bool seg_contains(const Elf64_Phdr *ph, uint64_t addr)
{
	return addr >= ph->p_paddr && addr - ph->p_paddr < ph->p_memsz;
}

/* Do two segments share a byte of guest memory?  Empty ones never do. */
static bool seg_overlap(const Elf64_Phdr *a, const Elf64_Phdr *b)
{
	if (!a->p_memsz || !b->p_memsz)
		return false;
	return seg_contains(a, b->p_paddr) || seg_contains(b, a->p_paddr);
}

/*
 * An entry point, e_entry or the note's, must be code that elf_load() puts
 * in place.  It is a virtual address and segments are placed by physical
 * address, but the guest is linked identity-mapped (check_segment()
 * insists on p_vaddr == p_paddr), so the two agree, and we check against
 * p_paddr: where elf_load() really puts the code.
 */
static void check_entry(struct checker *c, const char *what, uint64_t entry,
			unsigned int outside, unsigned int noexec)
{
	Elf64_Phdr ph;
	unsigned int i;
	int where = -1;

	for (i = 0; i < c->eh.e_phnum; i++) {
		read_phdr(c->image, &c->eh, i, &ph);
		if (ph.p_type != PT_LOAD || !seg_contains(&ph, entry))
			continue;
		if (ph.p_flags & PF_X)
			return;
		where = i;
	}
	if (where < 0)
		problem(c, outside, "%s %#" PRIx64
			" is not in any loadable segment", what, entry);
	else
		problem(c, noexec, "%s %#" PRIx64
			" is in segment %d, which is not executable",
			what, entry, where);
}

/* Does segment i share guest memory with a PT_LOAD before it? */
static void check_overlaps(struct checker *c, unsigned int i,
			   const Elf64_Phdr *ph)
{
	Elf64_Phdr other;
	unsigned int j;

	for (j = 0; j < i; j++) {
		read_phdr(c->image, &c->eh, j, &other);
		if (other.p_type == PT_LOAD && seg_overlap(ph, &other))
			problem(c, ELF_SEG_OVERLAP,
				"segments %u and %u overlap in guest memory",
				j, i);
	}
}

/*
 * Name and descriptor are each padded to 4 bytes.  (Segments aligned to 8
 * pad to 8, but ligeiro's note and the GNU ones come out the same either
 * way.)  Rounding in 64 bits makes a size of 0xffffffff 0x100000000,
 * where 32 bits would wrap to 0.
 */
#define NOTE_ALIGN(n)	(((uint64_t)(n) + 3) & ~3ull)

/* The note at off, its name and descriptor known to be in the file. */
static void check_note(struct checker *c, uint64_t off, const Elf64_Nhdr *nh)
{
	const unsigned char *name = c->image + off + sizeof(*nh);

	/* Other notes (a linker's build ID, say) are none of our business. */
	if (nh->n_type != LIGEIRO_NOTE_ENTRY ||
	    nh->n_namesz != sizeof(LIGEIRO_NOTE_NAME) ||
	    memcmp(name, LIGEIRO_NOTE_NAME, sizeof(LIGEIRO_NOTE_NAME)))
		return;
	if (nh->n_descsz != sizeof(c->entry)) {
		problem(c, ELF_BAD_NOTE,
			"ligeiro entry note at offset %#" PRIx64
			": descriptor of %u bytes, not %zu", off,
			nh->n_descsz, sizeof(c->entry));
	} else if (c->have_entry) {
		problem(c, ELF_BAD_NOTE,
			"a second ligeiro entry note, at offset %#" PRIx64,
			off);
	} else {
		memcpy(&c->entry, name + NOTE_ALIGN(nh->n_namesz),
		       sizeof(c->entry));
		c->have_entry = true;
	}
}

/* Walk the notes of PT_NOTE segment i, each inside the segment. */
static void check_notes(struct checker *c, unsigned int i,
			const Elf64_Phdr *ph)
{
	uint64_t off = ph->p_offset, left = ph->p_filesz, len;
	Elf64_Nhdr nh;

	if (off > c->size || left > c->size - off) {
		problem(c, ELF_BAD_NOTE,
			"note segment %u: %#" PRIx64 " bytes at offset %#"
			PRIx64 " run past the end of the file (%zu bytes)",
			i, left, off, c->size);
		return;
	}
	for (; left; off += len, left -= len) {
		if (left < sizeof(nh)) {
			problem(c, ELF_BAD_NOTE,
				"note segment %u: %" PRIu64
				" bytes at offset %#" PRIx64
				" are too few for a note header", i, left, off);
			return;
		}
		memcpy(&nh, c->image + off, sizeof(nh));
		/* At most 12 + 2 * (2^32 + 3): no overflow in 64 bits. */
		len = sizeof(nh) + NOTE_ALIGN(nh.n_namesz) +
		      NOTE_ALIGN(nh.n_descsz);
		if (len > left) {
			problem(c, ELF_BAD_NOTE,
				"note segment %u: the note at offset %#" PRIx64
				" (name %u bytes, descriptor %u bytes) runs past the end of its segment",
				i, off, nh.n_namesz, nh.n_descsz);
			return;
		}
		check_note(c, off, &nh);
	}
}

/* Every PT_LOAD and each pair of them, the notes, then the entry points. */
static void check_segments(struct checker *c)
{
	Elf64_Phdr ph;
	unsigned int i, loads = 0;

	for (i = 0; i < c->eh.e_phnum; i++) {
		read_phdr(c->image, &c->eh, i, &ph);
		if (ph.p_type == PT_NOTE)
			check_notes(c, i, &ph);
		if (ph.p_type != PT_LOAD)
			continue;
		loads++;
		check_segment(c, i, &ph);
		check_overlaps(c, i, &ph);
		/* If this wraps, it was reported, and end goes unused. */
		if (ph.p_paddr + ph.p_memsz > c->end)
			c->end = ph.p_paddr + ph.p_memsz;
	}
	if (!loads) {
		problem(c, ELF_NO_LOAD, "no loadable (PT_LOAD) segment");
		return;
	}
	check_entry(c, "entry point", c->eh.e_entry, ELF_ENTRY_OUTSIDE,
		    ELF_ENTRY_NOEXEC);
	if (c->have_entry)
		check_entry(c, "ligeiro entry", c->entry, ELF_NOTE_OUTSIDE,
			    ELF_NOTE_NOEXEC);
	else if (!(c->found & ELF_BAD_NOTE))	/* said why already */
		problem(c, ELF_NO_NOTE,
			"no ligeiro entry note: not a ligeiro guest");
}

unsigned int elf_check(const void *image, size_t size, uint64_t mem_size,
		       struct elf_guest *guest, elf_report_fn report,
		       void *ctx)
{
	struct checker c = {
		.image = image,
		.size = size,
		.mem_size = mem_size,
		.report = report,
		.ctx = ctx,
	};

	if (size < sizeof(c.eh)) {
		problem(&c, ELF_TRUNCATED,
			"%zu bytes, too short for an ELF header (%zu bytes)",
			size, sizeof(c.eh));
		return c.found;
	}
	memcpy(&c.eh, image, sizeof(c.eh));
	if (check_ident(&c) && check_header(&c))
		check_segments(&c);
	if (!c.found && guest) {
		guest->entry = c.entry;
		guest->end = c.end;
	}
	return c.found;
}

/*
 * Loading is the easy part, because elf_check() already proved every
 * copy below stays inside both the image and guest memory.  The bss is
 * zeroed even though fresh anonymous memory already is: elf_load() should
 * not depend on where its memory came from.
 */
void elf_load(const void *image, void *mem)
{
	const unsigned char *bytes = image;
	unsigned char *guest = mem;
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	unsigned int i;

	memcpy(&eh, image, sizeof(eh));
	for (i = 0; i < eh.e_phnum; i++) {
		read_phdr(bytes, &eh, i, &ph);
		if (ph.p_type != PT_LOAD)
			continue;
		memcpy(guest + ph.p_paddr, bytes + ph.p_offset, ph.p_filesz);
		memset(guest + ph.p_paddr + ph.p_filesz, 0,
		       ph.p_memsz - ph.p_filesz);
	}
}
