# ligeiro - top-level Makefile.
#
#   make            build everything: ligeiro.ko, the launcher, the guest,
#                   its ISO, the host's initramfs and the unit tests
#   make run        install what is missing, build, boot the guest natively
#                   into its shell, then boot the QEMU host, run the demo
#                   and open a host shell
#   make check      install what is missing, build, run every test
#   make check-debug  the host-side tests again, on a debugging build of
#                   the same host kernel (KASAN, KFENCE, kmemleak, lockdep;
#                   scripts/debugkernel.sh, built once into build/debug)
#   make bench      the guest's costs natively and under ligeiro, side by side
#   make debug      boot the host with QEMU's exception log and gdb stub
#   make iso        the guest's GRUB rescue ISO (native boot)
#   make docs       the book and the API reference (Doxygen), into build/docs
#   make book-pdf   the book's chapters as one PDF, build/book.pdf
#                   (scripts/bookpdf.py: headless Chromium prints them)
#   make lab LAB=x DEST=dir   a student tree for lab x (LABS="x y" for
#                   several): labs/README.md
#   make grade LAB=x  grade lab x here (RESULTS=path: Gradescope's JSON)
#   make lab-audit  every marked region, stripped alone, loses points
#   make tour       every source file in reading order, with its opening
#                   comment (scripts/tour.py; make check checks the path)
#   make size       lines of code per folder, without comments
#   make sparse     check the module with sparse (part of make check)
#   make clean      remove everything built
#
# Knobs: KVER=6.1.0-NN-amd64 picks the pinned host kernel (default: what
# Debian's linux-headers-amd64 depends on); ACCEL=kvm, CPU=max and the rest
# are read by scripts/qemu.sh.  book/01-setup.md tells the whole story.

KVER ?= $(shell scripts/kernel.sh kver)
BUILD := $(CURDIR)/build
KERNEL := $(BUILD)/kernel/$(KVER)
# The headers kernel.sh unpacked (Ubuntu), else Debian's installed ones.
KDIR ?= $(firstword $(wildcard $(KERNEL)/root/usr/src/linux-headers-$(KVER)) \
		    /usr/src/linux-headers-$(KVER))
PYTEST := /usr/bin/python3 -m pytest

MODULE := hv/ligeiro.ko
LAUNCHER := $(BUILD)/launcher/ligeiro
GUEST := $(BUILD)/guest/ligeiro-guest.elf
ISO := $(BUILD)/guest/ligeiro-guest.iso
INITRD := $(BUILD)/host/initramfs.cpio.gz
VMLINUZ := $(BUILD)/host/vmlinuz
UNIT := $(BUILD)/unit/test_elf $(BUILD)/unit/test_decode $(BUILD)/unit/test_vq \
	$(BUILD)/unit/fuzz_elf $(BUILD)/unit/ligeiro-asan
HOSTTOOLS := $(BUILD)/host/abi_probe $(BUILD)/host/hwbp $(BUILD)/host/ioctlfuzz \
	$(BUILD)/host/tsc

all: $(MODULE) $(LAUNCHER) $(GUEST) $(ISO) $(VMLINUZ) $(INITRD) $(UNIT)

# `run` and `check` install dependencies first, then start a fresh make: its
# KVER is computed only now that apt surely knows the kernel packages.
run check check-debug grade:
	$(if $(filter check-debug,$@),LIGEIRO_DEPS_KERNEL=1) scripts/deps.sh $(if $(filter command line environment,$(origin KVER)),$(KVER))
	$(MAKE) do-$@

do-run: all
	$(MAKE) -C guest OUT=$(BUILD)/guest iso-shell
	@echo "== 1. the guest alone, booted natively by GRUB in QEMU: its shell =="
	@echo "   (type 'help' for the programs, 'tests' to run the test suite, 'exit' to go on)"
	scripts/qemu.sh native $(BUILD)/guest/ligeiro-guest-shell.iso || [ $$? = 1 ]
	@echo "== 2. the QEMU host: Linux $(KVER) with ligeiro.ko =="
	scripts/qemu.sh host $(VMLINUZ) $(INITRD) quiet lgrun=/demo.sh lgshell=1 || true

do-check: all docs sparse
	cd tests && $(PYTEST) -ra

# Every test file that uses conftest.py's host boots, with the host's
# kernel, module and initramfs from build/debug, and its timeouts (TCG and
# KASAN) scaled.  Not part of `check`: the kernel takes 11 to 45 minutes
# to build, once, and the run an hour (book/16-testing.md).
DEBUGDIR := $(BUILD)/debug
HOSTTESTS := $(notdir $(shell grep -l 'host_qemu64\|host_max\|"host_"' tests/test_*.py))
do-check-debug: $(LAUNCHER) $(GUEST) $(ISO) $(HOSTTOOLS) $(KERNEL)/vmlinuz
	scripts/debugkernel.sh $(KVER) $(LAUNCHER) $(BUILD)/guest $(HOSTTOOLS)
	cd tests && LIGEIRO_HOST_KERNEL=$(DEBUGDIR)/vmlinuz \
		LIGEIRO_HOST_INITRD=$(DEBUGDIR)/initramfs.cpio.gz \
		LIGEIRO_TIMEOUT_SCALE=$${LIGEIRO_TIMEOUT_SCALE:-6} \
		$(PYTEST) -ra $(HOSTTESTS)

# sparse over every file of the module; any warning fails.
sparse: $(MODULE)
	@mkdir -p $(BUILD)
	$(MAKE) -s -C hv KDIR=$(KDIR) C=2 2>&1 | tee $(BUILD)/sparse.log
	@! grep -E 'warning:|error:' $(BUILD)/sparse.log

# The same guest benchmarks natively and under ligeiro, under TCG and
# under -icount (where QEMU's TSC counts instructions), side by side; the
# figures go to book/bench.json, which `make docs` puts into the book.
bench: all
	$(MAKE) -C guest OUT=$(BUILD)/guest iso-bench
	cd tests && /usr/bin/python3 bench.py

debug: all
	DEBUG=1 scripts/qemu.sh host $(VMLINUZ) $(INITRD) lgshell=1 || true

iso: $(ISO)

do-grade: all
	@[ -n "$(LAB)" ] || { echo "make grade LAB=x: one of $(patsubst labs/%/spec.py,%,$(wildcard labs/*/spec.py))"; exit 1; }
	/usr/bin/python3 labs/grade.py $(LAB)

lab:
	@[ -n "$(DEST)" -a -n "$(or $(LABS),$(LAB))" ] || { echo "make lab LAB=x DEST=dir"; exit 1; }
	/usr/bin/python3 labs/mklab.py $(DEST) $(or $(LABS),$(LAB))

# Each marked region stripped alone must lose points (a minute a region).
lab-audit: all
	/usr/bin/python3 labs/audit.py

tour:
	@/usr/bin/python3 scripts/tour.py

size:
	@/usr/bin/python3 scripts/size.py

# Doxygen reads the chapters from $(BUILD)/book-src, where bookgen.py has
# copied them with their {{bench:...}} placeholders filled in from
# book/bench.json (and drawn bench-chart.svg); the code it reads in place.
BOOKSRC := $(BUILD)/book-src
docs:
	@mkdir -p $(BUILD)/docs
	/usr/bin/python3 scripts/bookgen.py book/bench.json book $(BOOKSRC)
	cd book && (cat Doxyfile; echo "OUTPUT_DIRECTORY=$(BUILD)/docs"; \
	  echo "INPUT=$(BOOKSRC) $(addprefix $(CURDIR)/,hv launcher guest include)"; \
	  echo "USE_MDFILE_AS_MAINPAGE=$(BOOKSRC)/00-introduction.md"; \
	  echo "IMAGE_PATH+=$(BOOKSRC)"; echo "STRIP_FROM_PATH+=$(BOOKSRC)") | \
	  doxygen - >/dev/null

# The chapters' pages that docs built, joined in order and printed.
book-pdf: docs
	/usr/bin/python3 scripts/bookpdf.py $(BUILD)/docs/html $(BUILD)/book.pdf

# The sub-builds know their own dependencies; always ask them.
$(MODULE): FORCE $(KERNEL)/vmlinuz
	$(MAKE) -C hv KDIR=$(KDIR)

$(LAUNCHER): FORCE
	$(MAKE) -C launcher OUT=$(BUILD)/launcher

$(GUEST): FORCE
	$(MAKE) -C guest OUT=$(BUILD)/guest

$(ISO): $(GUEST)
	$(MAKE) -C guest OUT=$(BUILD)/guest iso

$(UNIT) &: FORCE
	$(MAKE) -C tests/unit OUT=$(BUILD)/unit

$(KERNEL)/vmlinuz:
	@[ -n "$(KVER)" ] || { echo "no KVER: run 'make check' or set KVER=6.1.0-NN-amd64"; exit 1; }
	scripts/kernel.sh fetch $(KVER) $(KERNEL)

$(HOSTTOOLS) &: FORCE
	$(MAKE) -C tests/host OUT=$(BUILD)/host

$(INITRD): $(MODULE) $(LAUNCHER) $(GUEST) $(HOSTTOOLS) scripts/mkinitramfs.sh \
	   scripts/host-init.sh scripts/demo.sh scripts/motd \
	   hv/uapi/ligeiro.h $(wildcard tests/host/*.sh labs/*/grade.sh)
	@mkdir -p $(dir $@)
	scripts/mkinitramfs.sh $@ $(MODULE) $(LAUNCHER) $(BUILD)/guest $(HOSTTOOLS)

# The host's kernel sits next to its initramfs, where the harness looks.
$(VMLINUZ): $(KERNEL)/vmlinuz
	@mkdir -p $(dir $@)
	cp $< $@

clean:
	-$(MAKE) -C hv KDIR=$(KDIR) clean
	rm -rf $(BUILD)

.PHONY: all run check check-debug grade do-run do-check do-check-debug do-grade lab lab-audit bench debug iso docs book-pdf tour size sparse clean FORCE
