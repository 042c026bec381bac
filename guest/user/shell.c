/*
 * shell.c - a tiny interactive shell on the console.
 *
 * It reads a line, runs the program it names with an optional number as
 * its argument, waits for it and prints its status.  `help` lists the
 * built-in programs, `exit` leaves (and, as the first process, ends the
 * run).  Console input is a virtio console if there is one, else COM1
 * natively; under ligeiro without a virtio console there is none, and
 * the shell says so and exits.
 *
 * Book: book/02-guest.md, "User programs".  Read guest/selftest/kcheck.h
 * next.
 */
#include "ulib.h"

#define LINE_MAX	64

/* A line with echo and backspace; -1 when there is no console input. */
static long read_line(char *buf, long max)
{
	long n = 0;
	char c;

	for (;;) {
		if (read(&c, 1) != 1)
			return -1;
		if (c == '\r' || c == '\n') {
			printf("\n");
			buf[n] = '\0';
			return n;
		}
		if ((c == 0x7f || c == '\b') && n) {
			n--;
			printf("\b \b");
		} else if (c >= ' ' && c < 0x7f && n < max - 1) {
			buf[n++] = c;
			write(&c, 1);
		}
	}
}

/* Split "name [number]" in place; the number defaults to 0. */
static char *parse(char *line, long *arg)
{
	char *name, *p = line;

	while (*p == ' ')
		p++;
	name = p;
	while (*p && *p != ' ')
		p++;
	if (*p)
		*p++ = '\0';
	for (*arg = 0; *p >= '0' && *p <= '9'; p++)
		*arg = *arg * 10 + *p - '0';
	return name;
}

int main(long arg)
{
	char line[LINE_MAX], list[128], *name;
	long status;

	printf("ligeiro shell: a program's name [number], help or exit\n");
	for (;;) {
		printf("$ ");
		if (read_line(line, sizeof(line)) < 0) {
			printf("shell: no console input\n");
			return 1;
		}
		name = parse(line, &arg);
		if (!*name)
			continue;
		if (streq(name, "exit"))
			return 0;
		if (streq(name, "help")) {
			if (programs(list, sizeof(list)) > 0)
				printf("programs: %s\n", list);
			continue;
		}
		status = run(name, arg);
		if (status < 0)
			printf("%s: no such program\n", name);
		else
			printf("[%s exited with status %ld]\n", name, status);
	}
}
