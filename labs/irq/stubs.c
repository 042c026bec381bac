/*
 * stubs.c - what a student tree of the irq lab has in place of the
 * marked bodies (labs/mklab.py): each fails at once, and says why.
 */
/* hv/interrupts.c irq_set_timer() */
	vm->lab_missing = "LAB irq: irq_set_timer()";
	(void)ns;
/* hv/interrupts.c irq_halt() */
	(void)irq_waiting;	/* the helpers above are yours to use */
	vm->lab_missing = "LAB irq: irq_halt()";
	return false;
/* hv/interrupts.c deliver() */
	(void)kernel_stack;	/* the helpers above are yours to use */
	(void)external;
	return vm_kill(vm, exit, "LAB irq: deliver() is not written yet (vector %llu)",
		       vector);
/* hv/interrupts.c irq_deliver() */
	return vm_kill(vm, exit, "LAB irq: irq_deliver() is not written yet");
