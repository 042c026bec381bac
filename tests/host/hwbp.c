// SPDX-License-Identifier: GPL-2.0
/*
 * hwbp.c - run a command with a hardware breakpoint armed, as perf or gdb
 * would arm one.
 *
 *   hwbp x ADDR CMD...    an instruction breakpoint at kernel address ADDR
 *   hwbp rw ADDR CMD...   a read/write watchpoint on user address ADDR
 *
 * The breakpoint belongs to this process and is inherited by CMD (perf's
 * per-task breakpoints, the kind `perf record -e mem:ADDR` and gdb's
 * hardware watchpoints use), so it is in DR0..DR7 whenever CMD's thread
 * is on a CPU: in the host's code, and, unless the hypervisor puts DR7
 * aside, in the Switcher and in the guest too.  Prints how often it fired
 * in the host and exits with CMD's status.  tests/host/hardening.sh uses
 * it on the Switcher's exit path and on a page the guest writes.
 * See book/04-world-switch.md, "Whose state is it".
 */
#include <errno.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_BREAKPOINT,
		.size = sizeof(attr),
		.inherit = 1,
		.sample_period = 1,
	};
	unsigned long long fired = 0;
	int fd, status;
	pid_t pid;

	if (argc < 4 || (strcmp(argv[1], "x") && strcmp(argv[1], "rw"))) {
		fprintf(stderr, "usage: hwbp x|rw ADDR CMD...\n");
		return 2;
	}
	attr.bp_addr = strtoull(argv[2], NULL, 0);
	if (!strcmp(argv[1], "x")) {
		attr.bp_type = HW_BREAKPOINT_X;
		attr.bp_len = sizeof(long);
		attr.exclude_user = 1;
	} else {
		attr.bp_type = HW_BREAKPOINT_RW;
		attr.bp_len = HW_BREAKPOINT_LEN_8;
		attr.exclude_kernel = 1;
	}
	fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
	if (fd < 0) {
		fprintf(stderr, "hwbp: perf_event_open: %s\n", strerror(errno));
		return 2;
	}
	pid = fork();
	if (pid == 0) {
		execvp(argv[3], argv + 3);
		fprintf(stderr, "hwbp: %s: %s\n", argv[3], strerror(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		fprintf(stderr, "hwbp: %s\n", strerror(errno));
		return 2;
	}
	/* With inherit, the count read here includes the child's. */
	if (read(fd, &fired, sizeof(fired)) != sizeof(fired))
		fired = ~0ULL;
	printf("hwbp: fired %llu times in the host\n", fired);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
