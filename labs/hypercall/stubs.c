/*
 * stubs.c - what a student tree of the hypercall lab has in place of the
 * marked bodies (labs/mklab.py): each fails at once, and says why.
 */
/* hv/hypercall.c hypercall() */
	(void)hcall_init;	/* the helpers above are yours to use */
	(void)set_stack;
	return vm_kill(vm, exit, "LAB hypercall: hypercall() is not written yet");
/* guest/pvops/ligeiro.c ligeiro_irq_disable() */
	printf("LAB hypercall: ligeiro_irq_disable() is not written yet\n");
	hcall(LIGEIRO_HCALL_SHUTDOWN, LIGEIRO_GUEST_FAILED, 0);
/* guest/pvops/ligeiro.c ligeiro_irq_enable() */
	printf("LAB hypercall: ligeiro_irq_enable() is not written yet\n");
	hcall(LIGEIRO_HCALL_SHUTDOWN, LIGEIRO_GUEST_FAILED, 0);
/* guest/pvops/ligeiro.c ligeiro_halt() */
	printf("LAB hypercall: ligeiro_halt() is not written yet\n");
	hcall(LIGEIRO_HCALL_SHUTDOWN, LIGEIRO_GUEST_FAILED, 0);
/* guest/pvops/ligeiro.c ligeiro_load_cr3() */
	(void)pml4;
	printf("LAB hypercall: ligeiro_load_cr3() is not written yet\n");
	hcall(LIGEIRO_HCALL_SHUTDOWN, LIGEIRO_GUEST_FAILED, 0);
/* guest/pvops/ligeiro.c ligeiro_set_pte() */
	(void)pte;
	(void)value;
	(void)va;
	printf("LAB hypercall: ligeiro_set_pte() is not written yet\n");
	hcall(LIGEIRO_HCALL_SHUTDOWN, LIGEIRO_GUEST_FAILED, 0);
/* guest/pvops/ligeiro.c ligeiro_flush() */
	(void)all;
	printf("LAB hypercall: ligeiro_flush() is not written yet\n");
	hcall(LIGEIRO_HCALL_SHUTDOWN, LIGEIRO_GUEST_FAILED, 0);
/* guest/pvops/ligeiro.c ligeiro_timer_arm() */
	(void)ns;
	printf("LAB hypercall: ligeiro_timer_arm() is not written yet\n");
	hcall(LIGEIRO_HCALL_SHUTDOWN, LIGEIRO_GUEST_FAILED, 0);
