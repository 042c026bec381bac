/*
 * stubs.c - what a student tree of the shadow lab has in place of the
 * marked bodies (labs/mklab.py): each fails at once, and says why.
 */
/* hv/shadow.c shadow_fault() */
	(void)shadow_set;	/* the helpers above are yours to use */
	*mmio_gpa = 0;
	return vm_kill(vm, exit, "LAB shadow: shadow_fault() is not written yet");
/* hv/shadow.c shadow_invalidate() */
	vm->lab_missing = "LAB shadow: shadow_invalidate()";
	(void)va;
/* hv/shadow.c shadow_new_cr3() */
	(void)gcr3;
	(void)fresh;
	return vm_kill(vm, exit, "LAB shadow: shadow_new_cr3() is not written yet");
