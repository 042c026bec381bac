/*
 * stubs.c - what a student tree of the migrate lab has in place of the
 * marked bodies (labs/mklab.py): each fails at once, and says why.  The
 * migration fails, never the guest: it goes on at the source.
 */
/* launcher/migrate.c collect() */
	(void)vm_fd;
	(void)bitmap;
	(void)count;
	say("LAB migrate: collect() is not written yet");
	return -1;
/* launcher/migrate.c precopy() */
	(void)c;
	(void)send_slice;	/* the helpers above are yours to use */
	(void)finish;
	stop(vm_fd, "LAB migrate: precopy() is not written yet");
	return -1;
