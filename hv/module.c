// SPDX-License-Identifier: GPL-2.0
/*
 * module.c - ligeiro.ko's front door: the module's life and /dev/ligeiro.
 *
 * A hypervisor in the lguest tradition is mostly an ordinary character
 * device.  The launcher opens /dev/ligeiro, and each open file is one
 * virtual machine; the thread that calls the run ioctl *is* the virtual
 * CPU, scheduled by Linux like any other thread.  This file holds only
 * that plumbing: loading, refusing to load where we cannot work, the misc
 * device, and the ioctl switch, which copies arguments in and out and
 * leaves the work to vm.c and run.c.  Every number it answers with is
 * defined in uapi/ligeiro.h, the contract with the launcher and the guest.
 *
 * The book's chapter "The launcher" (book/03-launcher.md) describes the
 * ABI from the user's side; the world switch that makes guests run is the
 * subject of book/04-world-switch.md.  Read vm.h next.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/pgtable.h>

#include "vm.h"

static int ligeiro_open(struct inode *inode, struct file *filp)
{
	struct ligeiro_vm *vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);

	if (!vm)
		return -ENOMEM;
	mutex_init(&vm->lock);
	filp->private_data = vm;
	return 0;
}

static int ligeiro_release(struct inode *inode, struct file *filp)
{
	struct ligeiro_vm *vm = filp->private_data;

	vm_destroy(vm);
	kfree(vm);
	return 0;
}

static long ioctl_create(struct ligeiro_vm *vm, void __user *arg)
{
	struct ligeiro_create c;

	if (copy_from_user(&c, arg, sizeof(c)))
		return -EFAULT;
	if (vm->pages)
		return -EBUSY;
	return vm_create(vm, &c);
}

static long ioctl_run(struct ligeiro_vm *vm, void __user *arg)
{
	struct ligeiro_exit exit;
	int err;

	/* It brings back the value of a device read it did (device.c). */
	if (copy_from_user(&exit, arg, sizeof(exit)))
		return -EFAULT;
	err = vm_run(vm, &exit);
	if (!err && copy_to_user(arg, &exit, sizeof(exit)))
		return -EFAULT;
	return err;
}

/* The requests that work the VM itself, one thread at a time. */
static long ioctl_locked(struct ligeiro_vm *vm, unsigned int cmd,
			 void __user *uarg)
{
	if (cmd == LIGEIRO_CREATE_VM)
		return ioctl_create(vm, uarg);
	if (cmd != LIGEIRO_RUN && cmd != LIGEIRO_GET_VCPU &&
	    cmd != LIGEIRO_SET_VCPU && cmd != LIGEIRO_GET_DIRTY)
		return -ENOTTY;
	if (!vm->pages)
		return -EINVAL;
	switch (cmd) {
	case LIGEIRO_RUN:
		return ioctl_run(vm, uarg);
	case LIGEIRO_GET_VCPU:
		return state_get(vm, uarg);
	case LIGEIRO_SET_VCPU:
		return state_set(vm, uarg);
	default:
		return state_dirty(vm, uarg);
	}
}

/**
 * ligeiro_ioctl() - dispatch one request on /dev/ligeiro.
 * @filp: the open device (one future VM).
 * @cmd: an ioctl number from uapi/ligeiro.h.
 * @arg: its argument, untrusted.
 *
 * Unknown numbers get -ENOTTY, as every Linux driver answers them: the
 * launcher can probe for a feature without upsetting anything.
 */
static long ligeiro_ioctl(struct file *filp, unsigned int cmd,
			  unsigned long arg)
{
	struct ligeiro_vm *vm = filp->private_data;
	void __user *uarg = (void __user *)arg;
	long ret;

	if (cmd == LIGEIRO_GET_VERSION)
		return LIGEIRO_ABI_VERSION;
	if (cmd == LIGEIRO_GET_STATS)
		return copy_to_user(uarg, &vm->stats, sizeof(vm->stats)) ?
		       -EFAULT : 0;
	/* A device thread may raise a line while the vCPU is in RUN. */
	if (cmd == LIGEIRO_IRQ) {
		if (!smp_load_acquire(&vm->ready) || arg >= LIGEIRO_IRQ_LINES)
			return -EINVAL;
		irq_line(vm, arg);
		return 0;
	}
	/* One thread at a time works the VM; a signal ends the wait. */
	if (mutex_lock_interruptible(&vm->lock))
		return -EINTR;
	ret = ioctl_locked(vm, cmd, uarg);
	mutex_unlock(&vm->lock);
	return ret;
}

static const struct file_operations ligeiro_fops = {
	.owner		= THIS_MODULE,
	.open		= ligeiro_open,
	.release	= ligeiro_release,
	.unlocked_ioctl	= ligeiro_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice ligeiro_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= LIGEIRO_DEVICE_NAME,
	.fops	= &ligeiro_fops,
	.mode	= 0600,
};

/*
 * The guest's shadow page tables are 4-level: a guest address is 48 bits
 * and the Switcher lives in the upper half of that space.  With 5-level
 * paging (CR4.LA57) the host's addresses are 57 bits wide, our roots would
 * be the wrong shape, and the Switcher could not be placed.  Rather than
 * run wrongly, refuse to load and say how to fix it.
 */
static int __init ligeiro_init(void)
{
	int err;

	if (pgtable_l5_enabled()) {
		pr_err("5-level paging (CR4.LA57) is on; ligeiro needs 4-level paging. Boot the host with 'no5lvl'.\n");
		return -EOPNOTSUPP;
	}

	err = switcher_init();
	if (err) {
		pr_err("cannot build the Switcher: %d\n", err);
		return err;
	}
	err = misc_register(&ligeiro_dev);
	if (err) {
		pr_err("cannot register /dev/%s: %d\n", LIGEIRO_DEVICE_NAME,
		       err);
		switcher_exit();
		return err;
	}
	pr_info("loaded, ABI version %d, /dev/%s ready\n",
		LIGEIRO_ABI_VERSION, LIGEIRO_DEVICE_NAME);
	return 0;
}

static void __exit ligeiro_exit(void)
{
	misc_deregister(&ligeiro_dev);
	switcher_exit();
	pr_info("unloaded\n");
}

module_init(ligeiro_init);
module_exit(ligeiro_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ligeiro: a small teaching hypervisor");
