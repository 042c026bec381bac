// SPDX-License-Identifier: GPL-2.0
/*
 * devices.c - the slots of the device window, and what run.c asks of them.
 *
 * ligeiro.h gives the launcher LIGEIRO_MMIO_SLOTS register pages; which
 * device sits in which is the launcher's choice, made here once: the
 * console in slot 0, the block device in slot 1 (empty without --disk,
 * so the disk's slot and interrupt line never depend on other options),
 * the entropy source in slot 2.  Everything a device needs from outside
 * - guest memory, the VM to interrupt, the features common to all of them
 * - is handed out here too.
 *
 * The book describes the devices in "Virtual devices: virtio"
 * (book/09-virtio.md).  Read vq.h next.
 */
#include <stdio.h>

#include "devices.h"
#include "run.h"

enum { SLOT_CONSOLE, SLOT_BLK, SLOT_RNG };
_Static_assert(SLOT_RNG < LIGEIRO_MMIO_SLOTS, "ligeiro.h has fewer slots");

static struct vdev slots[LIGEIRO_MMIO_SLOTS];

int devices_setup(const struct devices_options *o,
		  const struct guest_mem *mem)
{
	/* --no-event-idx: every buffer notifies and interrupts (book/08). */
	uint64_t features = VIRTIO_BIT(VIRTIO_F_VERSION_1) |
		(o->no_event_idx ? 0 : VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX));
	unsigned int i;
	int ret;

	for (i = 0; i < LIGEIRO_MMIO_SLOTS; i++)
		vdev_init(&slots[i], mem, i);
	ret = console_create(&slots[SLOT_CONSOLE]);
	if (!ret && o->disk)
		ret = blk_create(&slots[SLOT_BLK], o->disk, o->disk_ro);
	if (!ret)
		ret = rng_create(&slots[SLOT_RNG]);
	/* An empty slot offers nothing at all. */
	for (i = 0; i < LIGEIRO_MMIO_SLOTS; i++)
		if (slots[i].ops->device_id != VIRTIO_ID_NONE)
			slots[i].features |= features;
	return ret;
}

void devices_attach(int vm_fd)
{
	unsigned int i;

	for (i = 0; i < LIGEIRO_MMIO_SLOTS; i++)
		slots[i].vm_fd = vm_fd;
	console_listen(&slots[SLOT_CONSOLE]);
}

uint32_t devices_mmio(unsigned int slot, uint32_t off, uint32_t size,
		      bool write, uint32_t value)
{
	if (write) {
		virtio_write(&slots[slot], off, size, value);
		return 0;
	}
	return virtio_read(&slots[slot], off, size);
}

void devices_poll(void)
{
	console_input(&slots[SLOT_CONSOLE]);
}

void devices_save(struct devices_state *s)
{
	unsigned int i;

	for (i = 0; i < LIGEIRO_MMIO_SLOTS; i++)
		vdev_save(&slots[i], &s->slot[i]);
}

int devices_load(const struct devices_state *s)
{
	unsigned int i;

	for (i = 0; i < LIGEIRO_MMIO_SLOTS; i++)
		if (vdev_load(&slots[i], &s->slot[i]))
			return -1;
	return 0;
}

void devices_print_stats(void)
{
	const struct vdev *d;

	for (d = slots; d < slots + LIGEIRO_MMIO_SLOTS; d++) {
		if (d->ops->device_id == VIRTIO_ID_NONE)
			continue;
		fprintf(stderr, STATS "virtio.%s.notifies %llu\n"
			STATS "virtio.%s.interrupts %llu\n"
			STATS "virtio.%s.requests %llu\n"
			STATS "virtio.%s.faults %llu\n",
			d->ops->name, (unsigned long long)d->notifies,
			d->ops->name, (unsigned long long)d->interrupts,
			d->ops->name, (unsigned long long)d->requests,
			d->ops->name, (unsigned long long)d->faults);
	}
}
