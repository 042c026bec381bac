/*
 * stubs.c - what a student tree of the trap lab has in place of the
 * marked bodies (labs/mklab.py): each fails at once, and says why.
 */
/* hv/emulate.c write_cr() */
	(void)n;
	(void)value;
	return vm_kill(vm, exit, "LAB trap: write_cr() is not written yet");
/* hv/emulate.c msr() */
	(void)write;
	return vm_kill(vm, exit, "LAB trap: msr() is not written yet");
/* hv/emulate.c execute() */
	/* the helpers above are yours to use */
	(void)read_cr;
	(void)write_cr;
	(void)load_tr;
	(void)load_table;
	(void)store_table;
	(void)msr;
	(void)next_is_hlt;
	return vm_kill(vm, exit, "LAB trap: execute() is not written yet (instruction %u)",
		       in->op);
