/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ligeiro.h - the one contract between ligeiro.ko, the launcher and the guest.
 *
 * Three programs that never share a line of code must still agree on a few
 * numbers: the ioctls of /dev/ligeiro, the exit statuses the launcher reports,
 * the ports and codes the guest uses to end a native run.  Every such number
 * lives here and nowhere else; the Python harness reads this file too, so a
 * test never repeats a value by hand.
 *
 * The version grows whenever anything below changes meaning.  The launcher
 * refuses to talk to a module whose version differs from the one it was
 * built with: an old launcher and a new module fail loudly, not strangely.
 *
 * The book explains the ABI in its chapter "The launcher"
 * (book/03-launcher.md).  The launcher is its first user, and hv/module.c
 * its other side.  Read launcher/main.c next.
 */
#ifndef _UAPI_LIGEIRO_H
#define _UAPI_LIGEIRO_H

/*
 * The freestanding guest has no Linux headers and brings its own __u32;
 * assembly files (the guest's boot code) take only the #defines.
 */
#if !defined(LIGEIRO_GUEST) && !defined(__ASSEMBLER__)
#include <linux/types.h>
#include <linux/ioctl.h>
#endif

/** ABI version: module and launcher must agree exactly. */
#define LIGEIRO_ABI_VERSION	10

/** Name of the character device, under /dev. */
#define LIGEIRO_DEVICE_NAME	"ligeiro"

/* ioctls of /dev/ligeiro.  Their numbers are type 'l', like lguest's letter. */
#define LIGEIRO_IOCTL_TYPE	'l'

/**
 * LIGEIRO_GET_VERSION - returns LIGEIRO_ABI_VERSION as the ioctl's value.
 * Takes no argument, so it works on any open file of the device.
 */
#define LIGEIRO_GET_VERSION	_IO(LIGEIRO_IOCTL_TYPE, 0x00)

/* How the guest's privileged operations are carried out (book/07). */
#define LIGEIRO_MODE_PV		0	/* the guest makes hypercalls */
#define LIGEIRO_MODE_TRAP	1	/* the guest's privileged instructions
					   trap, and the hypervisor emulates
					   them and a PC's COM1, PIT and PIC */

/* The page of every address and size the ABI takes: x86-64's 4 KiB. */
#define LIGEIRO_PAGE_SIZE	4096

/**
 * struct ligeiro_create - LIGEIRO_CREATE_VM: make this open file a VM.
 * @mem_addr: page-aligned start of the launcher's anonymous mapping that
 *	becomes guest-physical memory 0..mem_size.  It is pinned until the
 *	file is closed.
 * @mem_size: its size in bytes, a multiple of the page size
 *	(LIGEIRO_PAGE_SIZE).
 * @entry: guest-physical address where the guest starts: 64-bit code,
 *	run at ring 1 with interrupts virtually disabled.
 * @boot_gpa: passed to the guest in %rdi; where the launcher put its
 *	struct ligeiro_boot.
 * @mode: LIGEIRO_MODE_PV or LIGEIRO_MODE_TRAP.
 * @flags: 0, or any of LIGEIRO_CREATE_NO_PREFETCH (`--no-prefetch`):
 *	shadow only the page that faulted, not its neighbours (book/07);
 *	LIGEIRO_CREATE_NO_LAZY_HOST (`--no-lazy-host`): save the host's state
 *	and switch its MSRs at every world switch, not once (book/04);
 *	LIGEIRO_CREATE_NO_FAST_CR3 (`--no-fast-cr3`): every HCALL_NEW_CR3
 *	leaves for the host's C code, even to a cached address space
 *	(book/07, "A context switch that stays in the Switcher").
 * @roots: how many address spaces keep their shadow tables: 0 for
 *	LIGEIRO_ROOTS_DEFAULT, else 1..LIGEIRO_ROOTS_MAX (`--roots=N`).
 * @pad: must be 0.
 *
 * Once per file; a second call fails with EBUSY.
 */
#ifndef __ASSEMBLER__
struct ligeiro_create {
	__u64 mem_addr;
	__u64 mem_size;
	__u64 entry;
	__u64 boot_gpa;
	__u32 mode;
	__u32 flags;
	__u32 roots;
	__u32 pad;
};
#endif
#define LIGEIRO_CREATE_NO_PREFETCH	1
#define LIGEIRO_CREATE_NO_LAZY_HOST	2
#define LIGEIRO_CREATE_NO_FAST_CR3	4
#define LIGEIRO_CREATE_FLAGS	(LIGEIRO_CREATE_NO_PREFETCH | \
				 LIGEIRO_CREATE_NO_LAZY_HOST | \
				 LIGEIRO_CREATE_NO_FAST_CR3)	/* all known */
#define LIGEIRO_ROOTS_DEFAULT	32
#define LIGEIRO_ROOTS_MAX	256
#define LIGEIRO_CREATE_VM	_IOW(LIGEIRO_IOCTL_TYPE, 0x01, struct ligeiro_create)

/* Why LIGEIRO_RUN returned to the launcher. */
#define LIGEIRO_RUN_CONSOLE	1	/* print console.len bytes at console.gpa */
#define LIGEIRO_RUN_SHUTDOWN	2	/* the guest is done; shutdown.code */
#define LIGEIRO_RUN_KILLED	3	/* the guest misbehaved; killed.reason */
#define LIGEIRO_RUN_SERIAL	4	/* print serial.len bytes of serial.text:
					   what trap mode's COM1 transmitted */
#define LIGEIRO_RUN_MMIO	5	/* the guest accesses a device register */

#define LIGEIRO_REASON_MAX	128
#define LIGEIRO_SERIAL_MAX	120

/**
 * struct ligeiro_exit - what LIGEIRO_RUN fills in before returning 0.
 *
 * The run ioctl returns -1/EINTR when a signal is pending (the launcher
 * simply calls it again, or dies of the signal), and the VM stays usable.
 * A console request's range has already been checked to lie inside guest
 * memory.  After SHUTDOWN or KILLED every further run fails with ESRCH.
 *
 * MMIO: mmio.size (1, 2 or 4) bytes at mmio.gpa, inside the device window
 * below, naturally aligned.  For a write (mmio.write = 1) mmio.value holds
 * the bytes; for a read the launcher puts the value read in mmio.value of
 * the same struct and passes it to the next LIGEIRO_RUN, which completes
 * the guest's access first thing, even if it then returns EINTR; only the
 * mmio.size low bytes of the value count.
 */
#ifndef __ASSEMBLER__
struct ligeiro_exit {
	__u32 reason;
	__u32 pad;
	union {
		struct {
			__u64 gpa;
			__u64 len;
		} console;
		struct {
			__u64 code;
		} shutdown;
		struct {
			char reason[LIGEIRO_REASON_MAX];
		} killed;
		struct {
			__u64 len;
			char text[LIGEIRO_SERIAL_MAX];
		} serial;
		struct {
			__u64 gpa;
			__u64 value;
			__u32 size;
			__u32 write;
		} mmio;
	};
};
#endif
#define LIGEIRO_RUN		_IOWR(LIGEIRO_IOCTL_TYPE, 0x02, struct ligeiro_exit)

/*
 * Hypercalls: `int $LIGEIRO_HCALL_VECTOR` from the guest kernel (ring 1;
 * the gate refuses ring 3).  Number in %rax, arguments in %rdi, %rsi,
 * %rdx, %r10, %r8; the result comes back in %rax, 0 or a negative errno.
 * The vector is one the CPU reserves for exceptions it never raises
 * (like lguest's): no host device interrupt can ever arrive on it, so an
 * exit on this vector is always the guest asking.
 */
#define LIGEIRO_HCALL_VECTOR	0x1f
#define LIGEIRO_SYSCALL_VECTOR	0x80	/* reserved: the guest's own syscalls */

#define LIGEIRO_HCALL_NOP	0	/* nothing: measures a round trip */
#define LIGEIRO_HCALL_INIT	1	/* rdi: gpa of the struct ligeiro_shared */
#define LIGEIRO_HCALL_CONSOLE	2	/* rdi: gpa, rsi: length of the text */
#define LIGEIRO_HCALL_HALT	3	/* sleep until an interrupt is pending */
#define LIGEIRO_HCALL_SHUTDOWN	4	/* rdi: exit code, 0..EXIT_GUEST_MAX */
#define LIGEIRO_HCALL_LOAD_IDT	5	/* rdi: gpa of the guest's 256-gate IDT */
#define LIGEIRO_HCALL_SET_STACK	6	/* rdi: kernel stack top for ring 3 traps */
#define LIGEIRO_HCALL_NEW_CR3	7	/* rdi: gpa of a PML4: a new address space;
					   rsi: 0, or the kernel stack as for
					   SET_STACK: a context switch, one exit */
#define LIGEIRO_HCALL_INVLPG	8	/* rdi: a virtual address whose PTE changed,
					   or LIGEIRO_BATCH_ALL: every one */
#define LIGEIRO_HCALL_FLUSH	9	/* drain the batch; rdi = 1: forget the
					   mappings of every address space */
#define LIGEIRO_HCALL_SET_TIMER	10	/* rdi: nanoseconds from now; 0 cancels */
#define LIGEIRO_HCALL_MMIO	11	/* rdi: gpa of a device register,
					   rsi: size (1, 2, 4) | LIGEIRO_MMIO_WRITE,
					   rdx: the value to write; returns the
					   value read */
#define LIGEIRO_HCALL_COUNT	12
#define LIGEIRO_MMIO_WRITE	0x100

/*
 * Interrupts and exceptions reach the guest through the IDT it loaded
 * with HCALL_LOAD_IDT (64-bit gates, handlers at guest-virtual addresses),
 * as the CPU would deliver them to a ring-1 kernel: the hypervisor pushes
 * ss, rsp, rflags, cs, rip (and an error code where the CPU would) on the
 * guest's stack -- the SET_STACK stack if the guest was at ring 3, else
 * its current one, 16-byte aligned -- and jumps to the handler at ring 1.
 * The pushed RFLAGS.IF is the *virtual* interrupt flag; an interrupt gate
 * clears irq_enabled, a trap gate leaves it.  The guest returns with
 * iretq, restoring irq_enabled from the frame first.  Gate 0x80, if its
 * DPL is 3, becomes a direct trap gate: ring 3's `int $0x80` reaches the
 * guest kernel without any exit.
 *
 * HALT is `sti; hlt`: the guest sets irq_enabled, then makes the call,
 * which returns at once if an interrupt is already pending.  Shadow roots
 * are cached by the guest-physical address of the PML4, so before it
 * reuses the pages of a freed address space's tables the guest must FLUSH
 * with rdi = 1.
 */
#define LIGEIRO_IRQ_VECTOR	0x20	/* pv: line n (timer: 0) is 0x20 + n */
#define LIGEIRO_BATCH_MAX	256
#define LIGEIRO_BATCH_ALL	(~0ULL)	/* in batch[]: forget every mapping */

/**
 * struct ligeiro_shared - the page the guest registers with HCALL_INIT.
 * @irq_enabled: the guest's virtual interrupt flag (it never clears the
 *	real one: ring 1 cannot).  When the guest sets it while @irq_pending
 *	is non-zero it makes any hypercall (NOP) to have them delivered.
 * @switcher_addr: filled in by the hypervisor: the guest-virtual address
 *	of the Switcher's first (read-only) text page.  The guest could find
 *	it anyway, it is mapped in its address space; tests use it to prove
 *	that writing there gets the guest killed.
 * @irq_pending: bit n set: interrupt vector LIGEIRO_IRQ_VECTOR + n is
 *	waiting for irq_enabled.  Set and cleared by the hypervisor.
 * @cr2: the faulting address of the page fault being delivered.
 * @tsc_khz: filled in by the hypervisor: TSC ticks per millisecond.
 * @batch_count: how many entries of @batch are queued.
 * @batch: virtual addresses whose page-table entries the guest changed
 *	(or LIGEIRO_BATCH_ALL); drained at the next exit of any kind.
 */
#ifndef __ASSEMBLER__
struct ligeiro_shared {
	__u64 irq_enabled;
	__u64 switcher_addr;
	__u64 irq_pending;
	__u64 cr2;
	__u64 tsc_khz;
	__u64 batch_count;
	__u64 batch[LIGEIRO_BATCH_MAX];
};
#endif

/*
 * Boot: the launcher writes a struct ligeiro_boot into guest memory and
 * the guest finds its address in %rdi at entry.  The guest's ELF carries a
 * note (name LIGEIRO_NOTE_NAME, type LIGEIRO_NOTE_ENTRY, an 8-byte
 * guest-physical address) naming its 64-bit entry point; e_entry stays
 * the multiboot2 entry of a native boot.
 */
#define LIGEIRO_NOTE_NAME	"ligeiro"
#define LIGEIRO_NOTE_ENTRY	1
#define LIGEIRO_CMDLINE_MAX	256
/* --no-fused-switch: SET_STACK and NEW_CR3 as two hypercalls (make bench) */
#define LIGEIRO_BOOT_NO_FUSED_SWITCH	1
/* --no-kick-poll: the disk driver sleeps for every completion (make bench) */
#define LIGEIRO_BOOT_NO_KICK_POLL	2

#ifndef __ASSEMBLER__
struct ligeiro_boot {
	__u64 mem_size;
	__u32 mode;	/* LIGEIRO_MODE_*: trap keeps the native pv_ops */
	__u32 flags;	/* LIGEIRO_BOOT_*: what the launcher turned off */
	char cmdline[LIGEIRO_CMDLINE_MAX];	/* the words after `--` */
};
#endif

/*
 * The guest's segment selectors under ligeiro (the hypervisor's GDT).
 * Ring-1 kernel, ring-3 user.  Indices 2 and 3 stay the host kernel's own
 * code and data, so the Switcher's gates and the host's cached selectors
 * stay valid while the guest's GDT is loaded (book/04-world-switch.md).
 */
#define LIGEIRO_GUEST_KERNEL_CS	0x51	/* index 10, RPL 1 */
#define LIGEIRO_GUEST_KERNEL_DS	0x59	/* index 11, RPL 1 */
#define LIGEIRO_GUEST_USER_DS	0x2b	/* index 5, RPL 3 */
#define LIGEIRO_GUEST_USER_CS	0x33	/* index 6, RPL 3 */

/*
 * Devices: virtio-mmio version 2 register files, served by the launcher
 * (book/09-virtio.md).  Slot n's registers are the page at guest-physical
 * LIGEIRO_MMIO_BASE + n * LIGEIRO_MMIO_STRIDE; its interrupt is line
 * LIGEIRO_MMIO_IRQ + n (pv: vector LIGEIRO_IRQ_VECTOR + line; trap mode:
 * that line of the virtual 8259).  An empty slot reads as a virtio-mmio
 * device with device ID 0.  Guest memory must end below the window.  A pv
 * guest reaches the registers with HCALL_MMIO; in trap mode its ordinary
 * 32-bit `mov` to or from them traps, and the hypervisor decodes it.
 */
#define LIGEIRO_MMIO_BASE	0xd0000000
#define LIGEIRO_MMIO_STRIDE	0x1000
#define LIGEIRO_MMIO_SLOTS	3
#define LIGEIRO_MMIO_IRQ	3	/* 3, 4, 5: not the 8259's spurious 7 */

/**
 * LIGEIRO_IRQ - raise interrupt line @arg (0..63) of the guest: the
 * launcher's devices signal completions with it.  It may be called from
 * any thread, also while another is inside LIGEIRO_RUN, which it makes
 * the guest leave its halt or its run.  An edge: raises before the guest
 * takes the interrupt merge into one; a device keeps its own level (as
 * virtio-mmio's InterruptStatus does) for the guest to read.
 */
#define LIGEIRO_IRQ		_IO(LIGEIRO_IOCTL_TYPE, 0x04)
#define LIGEIRO_IRQ_LINES	64

/* Counters of LIGEIRO_GET_STATS: why the guest left ring 1. */
#define LIGEIRO_STAT_HYPERCALL	0	/* a hypercall */
#define LIGEIRO_STAT_INTERRUPT	1	/* a host interrupt, replayed */
#define LIGEIRO_STAT_EXCEPTION	2	/* a guest fault or software interrupt */
#define LIGEIRO_STAT_EMULATION	3	/* trap mode: an instruction we emulated */
#define LIGEIRO_STAT_COUNT	4

/* Trap mode's emulated instructions, by kind (book/07). */
#define LIGEIRO_EMUL_IRQFLAG	0	/* cli, sti */
#define LIGEIRO_EMUL_HLT	1	/* hlt */
#define LIGEIRO_EMUL_CR		2	/* mov to or from a control register */
#define LIGEIRO_EMUL_PORT	3	/* in, out */
#define LIGEIRO_EMUL_DESC	4	/* lgdt lidt ltr sgdt sidt sldt str smsw */
#define LIGEIRO_EMUL_INVLPG	5	/* invlpg */
#define LIGEIRO_EMUL_MSR	6	/* rdmsr, wrmsr; rdtsc, the TSC's MSR */
#define LIGEIRO_EMUL_MMIO	7	/* mov to or from a device register */
#define LIGEIRO_EMUL_COUNT	8

/**
 * struct ligeiro_stats - LIGEIRO_GET_STATS: what happened so far.
 * @entries: world switches into the guest.
 * @exits: exits by reason (LIGEIRO_STAT_*).
 * @hypercalls: hypercalls by number (LIGEIRO_HCALL_*); unknown numbers
 *	kill the guest and are not counted here.
 * @shadow_faults: page faults the hypervisor resolved by filling in a
 *	shadow page-table entry (the guest never saw them).
 * @reflected: exceptions delivered to the guest's own handlers.
 * @injected: interrupts delivered to the guest.
 * @cr3_loads: address-space switches (HCALL_NEW_CR3, or trap mode's
 *	mov to %cr3).
 * @cr3_hits: of those, how many found their shadow root in the cache.
 * @cr3_fast: of the hits, how many the Switcher served by itself,
 *	without an exit to the host's C code (no entry or exit counted).
 * @batched: page-table updates drained from the batch.
 * @emulated: emulated instructions by kind (LIGEIRO_EMUL_*): trap
 *	mode's, and a restored guest's rdtsc in either mode.
 * @shadow_tables_peak: the most shadow page tables held at once (their
 *	number is bounded in proportion to guest memory).
 * @shadow_recycles: how often that bound made the hypervisor drop every
 *	shadow table and start again.
 */
#ifndef __ASSEMBLER__
struct ligeiro_stats {
	__u64 entries;
	__u64 exits[LIGEIRO_STAT_COUNT];
	__u64 hypercalls[LIGEIRO_HCALL_COUNT];
	__u64 shadow_faults;
	__u64 reflected;
	__u64 injected;
	__u64 cr3_loads;
	__u64 cr3_hits;
	__u64 cr3_fast;
	__u64 batched;
	__u64 emulated[LIGEIRO_EMUL_COUNT];
	__u64 shadow_tables_peak;
	__u64 shadow_recycles;
};
#endif
#define LIGEIRO_GET_STATS	_IOR(LIGEIRO_IOCTL_TYPE, 0x03, struct ligeiro_stats)

/*
 * The state of a VM, out and back in (book/17-migration.md).  Guest
 * memory is the launcher's own mapping, so it needs no ioctl; what the
 * module holds is the virtual CPU below, and which pages the guest wrote.
 */

/** struct ligeiro_regs - the guest's registers between two runs. */
#ifndef __ASSEMBLER__
struct ligeiro_regs {
	__u64 r15, r14, r13, r12, r11, r10, r9, r8;
	__u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	__u64 rip, cs, rflags, rsp, ss;
	__u64 ds, es, fs, gs, fs_base, gs_base;
};

/**
 * struct ligeiro_virt_cpu - trap mode: the CPU state the guest believes it
 * loaded.  None of it is in the real CPU: the guest's privileged
 * instructions trap, and the emulator reads and writes these instead.
 * @cr0, @cr2, @cr3, @cr4, @cr8, @efer: the control registers and EFER.
 * @gdt_base, @gdt_limit, @idt_base, @idt_limit: what lgdt and lidt loaded
 *	(linear addresses, as the instructions take them).
 * @tr: the selector ltr loaded; @tss_base: that TSS's address.
 * @irq_enabled: the interrupt flag (cli, sti).
 * @sti_shadow: sti just ran: no interrupt before the next instruction.
 */
struct ligeiro_virt_cpu {
	__u64 cr0, cr2, cr3, cr4, cr8, efer;
	__u64 gdt_base, idt_base, tss_base;
	__u16 gdt_limit, idt_limit, tr;
	__u8 irq_enabled, sti_shadow;
};

/* One 8259A of trap mode's pair. */
struct ligeiro_virt_pic {
	__u8 imr, isr, base, icw, icw4_due;
};

/**
 * struct ligeiro_virt_pc - trap mode: the PC devices the native guest
 * drives.
 * @pic: the master and slave 8259A (lines reach only the master).
 * @pit_access: per channel: the command's access mode; @pit_hi: the next
 *	data byte is the high one; @pit_count: the count being written.
 * @ch2_count: channel 2's count; @ch2_start: when its gate went up, in
 *	the host's monotonic nanoseconds (in a saved state: how long ago).
 * @port61: the system control port's gate and speaker bits.
 * @uart: COM1's registers by offset (the divisor latch shares 0 and 1).
 * @out: transmitted bytes not yet given to the launcher; @out_len.
 */
struct ligeiro_virt_pc {
	struct ligeiro_virt_pic pic[2];
	__u8 pit_access[3];
	__u8 pit_hi[3];
	__u16 pit_count[3];
	__u16 ch2_count;
	__s64 ch2_start;
	__u8 port61;
	__u8 uart[8];
	char out[LIGEIRO_SERIAL_MAX];
	__u32 out_len;
};
#endif

/* The FPU/SSE state, in the XSAVE layout Linux gives KVM (its kvm_xsave). */
#define LIGEIRO_FPU_SIZE	4096
/* vcpu.gcr3 before the guest loads page tables: memory identity-mapped */
#define LIGEIRO_NO_CR3		(~0ULL)

/**
 * struct ligeiro_vcpu - LIGEIRO_GET_VCPU / LIGEIRO_SET_VCPU: the virtual
 * CPU whole, as it stands between two runs.
 * @size: sizeof(struct ligeiro_vcpu); SET refuses any other.
 * @mode: the VM's LIGEIRO_MODE_*; SET refuses the other mode's state.
 * @regs: the general and segment registers.
 * @cr2: the faulting address of the last page fault.
 * @gcr3: the guest-physical PML4 whose shadow is loaded, or
 *	LIGEIRO_NO_CR3.
 * @idt_gpa: HCALL_LOAD_IDT's table, or 0; @kstack: HCALL_SET_STACK's.
 * @shared_gpa: the page HCALL_INIT registered, or 0.
 * @pending: interrupts waiting for the guest (as LIGEIRO_IRQ raised them).
 * @timer_ns: nanoseconds left on the guest's one-shot timer; 0: unarmed.
 * @pkru: the guest's protection-key rights.
 * @tsc: the guest's TSC, what its rdtsc reads.  After SET the guest's
 *	TSC goes on from this value, whatever the new host's reads (it
 *	starts again from zero at every boot); its rdtsc then traps and is
 *	emulated, in both modes.
 * @cpu: trap mode's virtual CPU; @pc: its PIC, PIT and COM1.
 * @fpu: the FPU/SSE registers (LIGEIRO_FPU_SIZE bytes, XSAVE layout).
 *
 * GET fails with EBUSY while a device read is with the launcher (run
 * once more first), and with ESRCH once the guest has ended.  SET checks
 * everything before it changes anything: a selector of another ring, a
 * non-canonical address, a page outside guest memory, control registers
 * the emulator would refuse, or FPU state this CPU cannot load gets
 * EINVAL and leaves the VM as it was.  Only a @gcr3 whose page tables the
 * hypervisor refuses (as at HCALL_NEW_CR3) is found after: then the guest
 * is killed, and SET fails with EINVAL.
 */
#ifndef __ASSEMBLER__
struct ligeiro_vcpu {
	__u32 size;
	__u32 mode;
	struct ligeiro_regs regs;
	__u64 cr2;
	__u64 gcr3;
	__u64 idt_gpa;
	__u64 kstack;
	__u64 shared_gpa;
	__u64 pending;
	__u64 timer_ns;
	__u32 pkru;
	__u32 pad;
	__u64 tsc;
	struct ligeiro_virt_cpu cpu;
	struct ligeiro_virt_pc pc;
	__u8 fpu[LIGEIRO_FPU_SIZE] __attribute__((aligned(64)));
};
#endif
#define LIGEIRO_GET_VCPU	_IOR(LIGEIRO_IOCTL_TYPE, 0x05, struct ligeiro_vcpu)
#define LIGEIRO_SET_VCPU	_IOW(LIGEIRO_IOCTL_TYPE, 0x06, struct ligeiro_vcpu)

/**
 * struct ligeiro_dirty - LIGEIRO_GET_DIRTY: which pages the guest wrote.
 * @bitmap: the launcher's buffer of @npages bits (bit n: page n, in
 *	64-bit words), or 0 to stop logging.
 * @npages: the VM's pages, mem_size / LIGEIRO_PAGE_SIZE; nothing else.
 *
 * The first call starts logging and sets every bit (before it, any page
 * may have been written).  Each call returns the pages written since the
 * previous one and starts the next interval: every writable shadow entry
 * is made read-only again, so the guest's next write to a page faults
 * and is seen.  Writes the hypervisor makes for the guest (an interrupt
 * frame, an accessed bit, the shared page) count too; the launcher's own
 * writes (its devices) are the launcher's to remember.
 */
#ifndef __ASSEMBLER__
struct ligeiro_dirty {
	__u64 bitmap;
	__u64 npages;
};
#endif
#define LIGEIRO_GET_DIRTY	_IOW(LIGEIRO_IOCTL_TYPE, 0x07, struct ligeiro_dirty)

/*
 * The launcher's live migration (--migrate): rounds of pre-copy while the
 * guest runs, at most this many, then the stop-and-copy.
 */
#define LIGEIRO_MIGRATE_ROUNDS	12

/*
 * Exit statuses of the launcher.  A guest that shuts down cleanly makes the
 * launcher exit with the guest's own code (0..LIGEIRO_EXIT_GUEST_MAX); the
 * launcher's own failures use the sysexits(3) range above it so the two can
 * never be confused.
 */
#define LIGEIRO_EXIT_GUEST_MAX	63	/* guest shutdown codes: 0..63 */
#define LIGEIRO_EXIT_USAGE	64	/* bad command line */
#define LIGEIRO_EXIT_BADIMAGE	65	/* the guest ELF failed validation */
#define LIGEIRO_EXIT_NODEV	69	/* /dev/ligeiro missing or wrong version */
#define LIGEIRO_EXIT_INTERNAL	70	/* the launcher itself failed */
#define LIGEIRO_EXIT_KILLED	71	/* the hypervisor killed the guest */

/*
 * Ending a native run.  QEMU's isa-debug-exit device (at this port) turns
 * a byte V written to it into the exit status (V << 1) | 1 of QEMU itself;
 * an odd status therefore always means "the guest asked to stop", while a
 * triple fault under -no-reboot makes QEMU exit with 0.
 */
#define LIGEIRO_DEBUG_EXIT_PORT	0xf4
#define LIGEIRO_GUEST_OK	0	/* all tests passed: QEMU exits 1 */
#define LIGEIRO_GUEST_FAILED	1	/* some test failed: QEMU exits 3 */

/*
 * Machine-readable result lines, printed by the guest and by the host's
 * test scripts, one per check:
 *
 *	RESULT <name> PASS [detail...]
 *	RESULT <name> FAIL <reason...>
 *
 * tests/harness.py matches these; nothing else in the transcript is parsed.
 */
#define LIGEIRO_RESULT_TAG	"RESULT"

#endif /* _UAPI_LIGEIRO_H */
