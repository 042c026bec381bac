/*
 * printf.c - a small printf for the guest console.
 *
 * It knows just what the guest prints: %c, %s, %d, %u, %x, %p and %%, the
 * 'l' and 'z' size modifiers, a field width (which counts digits only),
 * '0' to pad with zeros and '#' to put "0x" before hex.  Output collects
 * in a buffer handed to console_write() in pieces, so a line costs one
 * console call, not one per character: that matters when each call is a
 * hypercall, or a system call.  The kernel and the user programs share
 * this file; each brings its own console_write().
 *
 * Book: book/02-guest.md, "The guest kernel".  Read result.h next.
 */
#include "lib/printf.h"

struct out {
	char buf[128];
	size_t len;
};

static void out_flush(struct out *o)
{
	if (o->len)
		console_write(o->buf, o->len);
	o->len = 0;
}

static void out_char(struct out *o, char c)
{
	if (o->len == sizeof(o->buf))
		out_flush(o);
	o->buf[o->len++] = c;
}

static void out_string(struct out *o, const char *s)
{
	if (!s)
		s = "(null)";
	while (*s)
		out_char(o, *s++);
}

/* One conversion such as "%#016lx", once parsed. */
struct spec {
	bool alt;		/* '#': "0x" before hex */
	bool is_long;		/* 'l' or 'z': a 64-bit argument */
	char pad;		/* '0' or ' ' */
	int width;		/* at least this many digits */
};

static void out_number(struct out *o, u64 v, unsigned int base,
		       const struct spec *sp)
{
	char digits[20];	/* 2^64 has 20 decimal digits */
	int n = 0, width = sp->width;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (width-- > n)
		out_char(o, sp->pad);
	while (n--)
		out_char(o, digits[n]);
}

/* Parse what follows a '%' up to the conversion letter, returned. */
static const char *parse_spec(const char *fmt, struct spec *sp)
{
	sp->alt = *fmt == '#';
	if (sp->alt)
		fmt++;
	sp->pad = *fmt == '0' ? '0' : ' ';	/* then read as a digit */
	for (sp->width = 0; *fmt >= '0' && *fmt <= '9'; fmt++)
		sp->width = sp->width * 10 + *fmt - '0';
	for (sp->is_long = false; *fmt == 'l' || *fmt == 'z'; fmt++)
		sp->is_long = true;
	return fmt;
}

static void convert(struct out *o, char conv, const struct spec *sp,
		    va_list *ap)
{
	s64 v;
	u64 u;

	switch (conv) {
	case 'c':
		out_char(o, va_arg(*ap, int));
		break;
	case 's':
		out_string(o, va_arg(*ap, const char *));
		break;
	case 'd':
		v = sp->is_long ? va_arg(*ap, long) : va_arg(*ap, int);
		if (v < 0)
			out_char(o, '-');
		out_number(o, v < 0 ? -(u64)v : (u64)v, 10, sp);
		break;
	case 'u':
	case 'x':
		u = sp->is_long ? va_arg(*ap, unsigned long) :
				  va_arg(*ap, unsigned int);
		if (conv == 'x' && sp->alt)
			out_string(o, "0x");
		out_number(o, u, conv == 'x' ? 16 : 10, sp);
		break;
	case 'p':
		out_string(o, "0x");
		out_number(o, (u64)va_arg(*ap, void *), 16, sp);
		break;
	default:		/* %% and anything unknown: as is */
		out_char(o, conv);
		break;
	}
}

/**
 * vprintf() - print to the console, arguments from a va_list.
 * @fmt: the format; the top of printf.c lists what it understands.
 * @ap: the arguments.
 */
void vprintf(const char *fmt, va_list ap)
{
	struct out o = { .len = 0 };
	struct spec sp;
	va_list args;

	/* A copy we can pass by address to convert(). */
	va_copy(args, ap);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			out_char(&o, *fmt);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp);
		if (!*fmt)
			break;		/* a lone '%' at the very end */
		convert(&o, *fmt, &sp, &args);
	}
	va_end(args);
	out_flush(&o);
}

/**
 * printf() - print to the console through console_write().
 * @fmt: the format, followed by its arguments.
 */
void printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}
