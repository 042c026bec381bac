// SPDX-License-Identifier: GPL-2.0
/*
 * test_elf.c - breaking a good guest image one field at a time.
 *
 * The launcher's ELF checker (launcher/elf.c) stands between a file anyone
 * can write and the guest's memory, so it is tested the way an attacker
 * would use it.  This program builds a small valid ELF64 image in memory -
 * a header, program headers, a few bytes of code and data, and the note
 * naming ligeiro's entry point - checks that it passes and loads, and then
 * applies one mutation per case, each
 * producing an image with a known problem.  A case passes only if the
 * checker finds exactly the expected problems, with one message line each.
 *
 * Every image is placed so that it ends right before an inaccessible page:
 * a checker that reads even one byte past the end of the file crashes
 * into it, and the SIGSEGV is caught and reported as that case's failure.
 *
 * Output is one "RESULT elf.<case> PASS|FAIL ..." line per case, as
 * ligeiro.h describes; the exit status is non-zero if any case failed.
 * tests/test_launcher.py runs this program.  The checks are explained in
 * "The launcher" (book/03-launcher.md); read launcher/elf.c alongside.
 */
#include <elf.h>		/* the system's Elf64_* types */
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <ligeiro.h>
#include "unit.h"
#include "elf.h"		/* launcher/elf.h, found through -iquote */

#define GUEST_MEM	(4ull << 20)	/* the tests' guest has 4 MiB */
#define LOAD_ADDR	0x100000ull	/* linked at 1 MiB, like the guest */
#define DATA_ADDR	(LOAD_ADDR + 0x1000)
#define DATA_MEMSZ	0x1000ull	/* 16 bytes of data, then bss */
#define NOTE_ENTRY	(LOAD_ADDR + 8)	/* ligeiro's entry; e_entry's is 0 */

/* ligeiro's entry note.  The name needs no padding, so desc follows it. */
struct note {
	Elf64_Nhdr nh;
	char name[sizeof(LIGEIRO_NOTE_NAME)];
	unsigned char desc[8];
};
_Static_assert(sizeof(LIGEIRO_NOTE_NAME) % 4 == 0, "the note needs padding");

/*
 * The valid image, laid out as a struct so offsetof() gives p_offset.
 * ph[3] is PT_NULL and not counted in e_phnum: a spare for the one case
 * that needs a fourth header.
 */
struct image {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[4];
	unsigned char text[16];
	unsigned char data[16];
	struct note note;
};

/* 1: hlt; jmp 1b - a guest that does nothing, forever. */
static const unsigned char code[] = { 0xf4, 0xeb, 0xfd };
static const unsigned char data[] = "ligeiro data";

static void set_note_entry(struct image *img, uint64_t entry)
{
	memcpy(img->note.desc, &entry, sizeof(entry));	/* little endian */
}

static void make_valid(struct image *img)
{
	memset(img, 0, sizeof(*img));
	memcpy(img->eh.e_ident, ELFMAG, SELFMAG);
	img->eh.e_ident[EI_CLASS] = ELFCLASS64;
	img->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	img->eh.e_ident[EI_VERSION] = EV_CURRENT;
	img->eh.e_type = ET_EXEC;
	img->eh.e_machine = EM_X86_64;
	img->eh.e_version = EV_CURRENT;
	img->eh.e_entry = LOAD_ADDR;
	img->eh.e_phoff = offsetof(struct image, ph);
	img->eh.e_ehsize = sizeof(Elf64_Ehdr);
	img->eh.e_phentsize = sizeof(Elf64_Phdr);
	img->eh.e_phnum = 3;

	img->ph[0] = (Elf64_Phdr){
		.p_type = PT_LOAD, .p_flags = PF_R | PF_X,
		.p_offset = offsetof(struct image, text),
		.p_vaddr = LOAD_ADDR, .p_paddr = LOAD_ADDR,
		.p_filesz = sizeof(img->text), .p_memsz = sizeof(img->text),
	};
	img->ph[1] = (Elf64_Phdr){
		.p_type = PT_LOAD, .p_flags = PF_R | PF_W,
		.p_offset = offsetof(struct image, data),
		.p_vaddr = DATA_ADDR, .p_paddr = DATA_ADDR,
		.p_filesz = sizeof(img->data), .p_memsz = DATA_MEMSZ,
	};
	img->ph[2] = (Elf64_Phdr){
		.p_type = PT_NOTE, .p_flags = PF_R, .p_align = 4,
		.p_offset = offsetof(struct image, note),
		.p_filesz = sizeof(img->note),
	};
	memcpy(img->text, code, sizeof(code));
	memcpy(img->text + NOTE_ENTRY - LOAD_ADDR, code, sizeof(code));
	memcpy(img->data, data, sizeof(data));
	img->note.nh = (Elf64_Nhdr){
		.n_namesz = sizeof(LIGEIRO_NOTE_NAME),
		.n_descsz = sizeof(img->note.desc),
		.n_type = LIGEIRO_NOTE_ENTRY,
	};
	memcpy(img->note.name, LIGEIRO_NOTE_NAME, sizeof(LIGEIRO_NOTE_NAME));
	set_note_entry(img, NOTE_ENTRY);
}

/* The mutations.  Each takes a valid image and breaks one thing. */

static void m_empty(struct image *img, size_t *size)
{
	(void)img;
	*size = 0;
}

static void m_truncated(struct image *img, size_t *size)
{
	(void)img;
	*size = sizeof(Elf64_Ehdr) - 1;
}

static void m_bad_magic(struct image *img, size_t *size)
{
	(void)size;
	img->eh.e_ident[EI_MAG1] = 'X';
}

static void m_class32(struct image *img, size_t *size)
{
	(void)size;
	img->eh.e_ident[EI_CLASS] = ELFCLASS32;
}

static void m_big_endian(struct image *img, size_t *size)
{
	(void)size;
	img->eh.e_ident[EI_DATA] = ELFDATA2MSB;
}

static void m_bad_version(struct image *img, size_t *size)
{
	(void)size;
	img->eh.e_version = EV_CURRENT + 1;
}

static void m_wrong_machine(struct image *img, size_t *size)
{
	(void)size;
	img->eh.e_machine = EM_AARCH64;
}

static void m_et_dyn(struct image *img, size_t *size)
{
	(void)size;
	img->eh.e_type = ET_DYN;
}

static void m_bad_ehsize(struct image *img, size_t *size)
{
	(void)size;
	img->eh.e_ehsize = sizeof(Elf32_Ehdr);
}

static void m_bad_phentsize(struct image *img, size_t *size)
{
	(void)size;
	img->eh.e_phentsize = sizeof(Elf32_Phdr);
}

static void m_too_many_phdrs(struct image *img, size_t *size)
{
	(void)size;
	img->eh.e_phnum = PN_XNUM;
}

static void m_phoff_past_eof(struct image *img, size_t *size)
{
	img->eh.e_phoff = *size;
}

/* e_phnum * e_phentsize: more headers than the file has room for. */
static void m_phnum_past_eof(struct image *img, size_t *size)
{
	(void)size;
	img->eh.e_phnum = ELF_MAX_PHDRS;
}

/*
 * 16 bits times 16 bits cannot overflow 64, so the wrap a file can force
 * is e_phoff + e_phnum * e_phentsize: here it comes to 0x2f, which a naive
 * "phoff + table > size" check would accept.
 */
static void m_ph_table_wraps(struct image *img, size_t *size)
{
	(void)size;
	img->eh.e_phoff = UINT64_MAX - 0x40;
}

static void m_seg_offset_past_eof(struct image *img, size_t *size)
{
	img->ph[1].p_offset = *size + 0x1000;
}

/* p_offset + p_filesz wraps to 7, which a naive check would accept. */
static void m_seg_file_wraps(struct image *img, size_t *size)
{
	(void)size;
	img->ph[1].p_offset = UINT64_MAX - 8;
}

static void m_filesz_gt_memsz(struct image *img, size_t *size)
{
	(void)size;
	img->ph[1].p_memsz = img->ph[1].p_filesz - 1;
}

static void move_data(struct image *img, uint64_t addr)
{
	img->ph[1].p_paddr = addr;
	img->ph[1].p_vaddr = addr;
}

static void m_seg_beyond_memory(struct image *img, size_t *size)
{
	(void)size;
	move_data(img, GUEST_MEM - DATA_MEMSZ / 2);
}

static void m_seg_wraps(struct image *img, size_t *size)
{
	(void)size;
	move_data(img, UINT64_MAX - DATA_MEMSZ / 2);
}

static void m_seg_overlap(struct image *img, size_t *size)
{
	(void)size;
	move_data(img, LOAD_ADDR + 8);
}

static void m_not_identity(struct image *img, size_t *size)
{
	(void)size;
	img->ph[1].p_vaddr = 0xffffffff80000000ull + DATA_ADDR;
}

static void m_no_load(struct image *img, size_t *size)
{
	(void)size;
	img->ph[0].p_type = PT_GNU_STACK;
	img->ph[1].p_type = PT_GNU_STACK;
}

static void m_entry_outside(struct image *img, size_t *size)
{
	(void)size;
	img->eh.e_entry = DATA_ADDR + DATA_MEMSZ;
}

static void m_entry_not_exec(struct image *img, size_t *size)
{
	(void)size;
	img->eh.e_entry = DATA_ADDR;
}

/* Without the note, a valid ELF kernel is still not a ligeiro guest. */
static void m_note_missing(struct image *img, size_t *size)
{
	(void)size;
	img->ph[2].p_type = PT_GNU_STACK;
}

/* A "ligeiro" note of some other type is for a later version: ignored. */
static void m_note_other_type(struct image *img, size_t *size)
{
	(void)size;
	img->note.nh.n_type = LIGEIRO_NOTE_ENTRY + 1;
}

static void m_note_past_eof(struct image *img, size_t *size)
{
	(void)img;
	*size = offsetof(struct image, note) + sizeof(Elf64_Nhdr);
}

static void m_note_segment_wraps(struct image *img, size_t *size)
{
	(void)size;
	img->ph[2].p_offset = UINT64_MAX - 8;
}

/* The segment ends inside the note's header. */
static void m_note_header_cut(struct image *img, size_t *size)
{
	(void)size;
	img->ph[2].p_filesz = sizeof(Elf64_Nhdr) - 4;
}

/* The segment ends inside the note's descriptor. */
static void m_note_truncated(struct image *img, size_t *size)
{
	(void)size;
	img->ph[2].p_filesz -= 4;
}

/* Padded in 32 bits, 0xffffffff would wrap to 0 and pass. */
static void m_note_namesz_overflow(struct image *img, size_t *size)
{
	(void)size;
	img->note.nh.n_namesz = UINT32_MAX;
}

static void m_note_descsz_overflow(struct image *img, size_t *size)
{
	(void)size;
	img->note.nh.n_descsz = UINT32_MAX - 2;
}

/* A 4-byte entry: the segment shrinks with it, so only this is wrong. */
static void m_note_desc_short(struct image *img, size_t *size)
{
	(void)size;
	img->note.nh.n_descsz = 4;
	img->ph[2].p_filesz -= 4;
}

/* Two entry notes: which one would the launcher believe? */
static void m_note_twice(struct image *img, size_t *size)
{
	(void)size;
	img->ph[3] = img->ph[2];
	img->eh.e_phnum = 4;
}

static void m_note_entry_outside(struct image *img, size_t *size)
{
	(void)size;
	set_note_entry(img, DATA_ADDR + DATA_MEMSZ);
}

static void m_note_entry_not_exec(struct image *img, size_t *size)
{
	(void)size;
	set_note_entry(img, DATA_ADDR);
}

/* Four unrelated problems at once: all four must be reported. */
static void m_multi(struct image *img, size_t *size)
{
	m_wrong_machine(img, size);
	m_et_dyn(img, size);
	m_filesz_gt_memsz(img, size);
	m_entry_outside(img, size);
}

struct mutation {
	const char *name;
	void (*mutate)(struct image *img, size_t *size);
	unsigned int want;
};

static const struct mutation mutations[] = {
	{ "empty",		m_empty,		ELF_TRUNCATED },
	{ "truncated",		m_truncated,		ELF_TRUNCATED },
	{ "bad_magic",		m_bad_magic,		ELF_BAD_MAGIC },
	{ "class32",		m_class32,		ELF_BAD_CLASS },
	{ "big_endian",		m_big_endian,		ELF_BAD_DATA },
	{ "bad_version",	m_bad_version,		ELF_BAD_VERSION },
	{ "wrong_machine",	m_wrong_machine,	ELF_BAD_MACHINE },
	{ "et_dyn",		m_et_dyn,		ELF_BAD_TYPE },
	{ "bad_ehsize",		m_bad_ehsize,		ELF_BAD_EHSIZE },
	{ "bad_phentsize",	m_bad_phentsize,	ELF_BAD_PHENTSIZE },
	{ "too_many_phdrs",	m_too_many_phdrs,	ELF_BAD_PHNUM },
	{ "phoff_past_eof",	m_phoff_past_eof,	ELF_PH_OUTSIDE },
	{ "phnum_past_eof",	m_phnum_past_eof,	ELF_PH_OUTSIDE },
	{ "ph_table_wraps",	m_ph_table_wraps,	ELF_PH_OUTSIDE },
	{ "seg_offset_past_eof", m_seg_offset_past_eof,	ELF_SEG_OUTSIDE_FILE },
	{ "seg_file_wraps",	m_seg_file_wraps,	ELF_SEG_OUTSIDE_FILE },
	{ "filesz_gt_memsz",	m_filesz_gt_memsz,	ELF_SEG_FILESZ },
	{ "seg_beyond_memory",	m_seg_beyond_memory,	ELF_SEG_OUTSIDE_MEM },
	{ "seg_wraps",		m_seg_wraps,		ELF_SEG_WRAPS },
	{ "seg_overlap",	m_seg_overlap,		ELF_SEG_OVERLAP },
	{ "not_identity",	m_not_identity,		ELF_SEG_NOT_IDENTITY },
	{ "no_load",		m_no_load,		ELF_NO_LOAD },
	{ "entry_outside",	m_entry_outside,	ELF_ENTRY_OUTSIDE },
	{ "entry_not_exec",	m_entry_not_exec,	ELF_ENTRY_NOEXEC },
	{ "note_missing",	m_note_missing,		ELF_NO_NOTE },
	{ "note_other_type",	m_note_other_type,	ELF_NO_NOTE },
	{ "note_past_eof",	m_note_past_eof,	ELF_BAD_NOTE },
	{ "note_segment_wraps",	m_note_segment_wraps,	ELF_BAD_NOTE },
	{ "note_header_cut",	m_note_header_cut,	ELF_BAD_NOTE },
	{ "note_truncated",	m_note_truncated,	ELF_BAD_NOTE },
	{ "note_namesz_overflow", m_note_namesz_overflow, ELF_BAD_NOTE },
	{ "note_descsz_overflow", m_note_descsz_overflow, ELF_BAD_NOTE },
	{ "note_desc_short",	m_note_desc_short,	ELF_BAD_NOTE },
	{ "note_twice",		m_note_twice,		ELF_BAD_NOTE },
	{ "note_entry_outside",	m_note_entry_outside,	ELF_NOTE_OUTSIDE },
	{ "note_entry_not_exec", m_note_entry_not_exec,	ELF_NOTE_NOEXEC },
	{ "multi",		m_multi,		ELF_BAD_MACHINE |
		ELF_BAD_TYPE | ELF_SEG_FILESZ | ELF_ENTRY_OUTSIDE },
};

/* What the checker told us about one image. */
struct verdict {
	unsigned int returned;	/* elf_check()'s return value */
	unsigned int reported;	/* OR of the problems passed to report() */
	unsigned int lines;	/* how many times report() was called */
	int crashed;		/* it read outside the image */
};

static void count(void *ctx, unsigned int problem, const char *msg)
{
	struct verdict *v = ctx;

	v->reported |= problem;
	v->lines++;
	printf("#   %s\n", msg);
}

static sigjmp_buf crash;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(crash, 1);
}

/*
 * Check an image placed so that its last byte touches the guard page.  v is
 * static because a local changed after sigsetjmp() has no defined value
 * once siglongjmp() comes back to it.
 */
static struct verdict check(unsigned char *guard, const void *img, size_t size)
{
	static struct verdict v;
	unsigned char *copy = guard - size;

	memset(&v, 0, sizeof(v));
	memcpy(copy, img, size);
	if (sigsetjmp(crash, 1)) {
		v.crashed = 1;
		return v;
	}
	v.returned = elf_check(copy, size, GUEST_MEM, NULL, count, &v);
	return v;
}

static int judge(const char *name, const struct verdict *v, unsigned int want)
{
	int ok = !v->crashed && v->returned == want && v->reported == want &&
		 v->lines == (unsigned int)__builtin_popcount(want);

	printf(LIGEIRO_RESULT_TAG " elf.%s ", name);
	if (ok)
		printf("PASS\n");
	else if (v->crashed)
		printf("FAIL read outside the image\n");
	else
		printf("FAIL returned %#x, reported %#x in %u lines, want %#x\n",
		       v->returned, v->reported, v->lines, want);
	return ok;
}

/*
 * The valid image, loaded into a guest memory full of 0xaa; the entry
 * must be the note's, and the end that of the data segment's bss.
 */
static int test_load(const struct image *img)
{
	static const unsigned char zero[DATA_MEMSZ];
	struct elf_guest guest = { 0 };
	unsigned char *mem;
	int ok;

	mem = mmap(NULL, GUEST_MEM, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		printf(LIGEIRO_RESULT_TAG " elf.load FAIL mmap: %m\n");
		return 0;
	}
	memset(mem, 0xaa, GUEST_MEM);
	elf_check(img, sizeof(*img), GUEST_MEM, &guest, NULL, NULL);
	elf_load(img, mem);
	ok = guest.entry == NOTE_ENTRY && guest.end == DATA_ADDR + DATA_MEMSZ &&
	     !memcmp(mem + LOAD_ADDR, img->text, sizeof(img->text)) &&
	     !memcmp(mem + DATA_ADDR, img->data, sizeof(img->data)) &&
	     !memcmp(mem + DATA_ADDR + sizeof(img->data), zero,
		     DATA_MEMSZ - sizeof(img->data)) &&
	     mem[LOAD_ADDR - 1] == 0xaa &&
	     mem[LOAD_ADDR + sizeof(img->text)] == 0xaa &&
	     mem[DATA_ADDR + DATA_MEMSZ] == 0xaa;
	printf(LIGEIRO_RESULT_TAG " elf.load %s\n",
	       ok ? "PASS" : "FAIL wrong entry or end, or segments or bss not where they belong");
	munmap(mem, GUEST_MEM);
	return ok;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_segv };
	unsigned char *guard = guarded_page();
	struct verdict v;
	struct image img;
	unsigned int i, failed = 0;
	size_t size;

	if (!guard || sigaction(SIGSEGV, &sa, NULL)) {
		perror("test_elf: setting up the guard page");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	make_valid(&img);
	v = check(guard, &img, sizeof(img));
	failed += !judge("valid", &v, 0);
	failed += !test_load(&img);

	for (i = 0; i < sizeof(mutations) / sizeof(mutations[0]); i++) {
		make_valid(&img);
		size = sizeof(img);
		mutations[i].mutate(&img, &size);
		v = check(guard, &img, size);
		failed += !judge(mutations[i].name, &v, mutations[i].want);
	}
	return failed ? 1 : 0;
}
