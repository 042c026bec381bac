/*
 * stubs.c - what a student tree of the hypercall lab has in place of the
 * marked bodies (labs/mklab.py): each fails at once, and says why.
 */
/* hv/hypercall.c hypercall() */
	(void)hcall_init;	/* the helpers above are yours to use */
	return vm_kill(vm, exit, "LAB hypercall: hypercall() is not written yet");
