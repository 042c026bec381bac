/* SPDX-License-Identifier: GPL-2.0 */
/*
 * devices.h - the launcher's virtio devices and their register files.
 *
 * Each device sits in a slot of the virtio-mmio window that ligeiro.h
 * defines: slot 0 the console, slot 1 the block device (with --disk),
 * slot 2 the entropy source.  A struct vdev is one slot: the
 * transport's state (mmio.c), shared by every device, and the device's
 * own few hooks and data (console.c, blk.c, rng.c).  devices.c puts them
 * in their slots and is what run.c talks to.
 *
 * The book describes the devices in "Virtual devices: virtio"
 * (book/09-virtio.md).  Read devices.c next.
 */
#ifndef LIGEIRO_LAUNCHER_DEVICES_H
#define LIGEIRO_LAUNCHER_DEVICES_H

#include <stdbool.h>
#include <stdint.h>

#include <ligeiro.h>

#include "vq.h"

/* The most queues a device of ours has: the console's two. */
#define VIRTIO_MAX_QUEUES	2

struct vdev;

/* A device's part: who it is and what its queues do. */
struct virtio_ops {
	const char *name;		/* in --stats and messages */
	uint32_t device_id;		/* VIRTIO_ID_* */
	unsigned int nr_queues;
	/* Serve queue @q: pop, handle and push every chain there is. */
	void (*serve)(struct vdev *d, unsigned int q);
};

/* One virtio-mmio queue's registers, kept until QueueReady makes a vq. */
struct virtio_queue {
	uint32_t num;
	uint64_t desc, driver, device;
	bool ready;
	struct vq vq;
};

/*
 * One slot: a device the launcher plays, its transport state, counters and
 * data.  (The guest's side of a device is guest/drivers/virtio.h's
 * struct virtio_dev.)
 */
struct vdev {
	const struct virtio_ops *ops;
	const struct guest_mem *mem;
	unsigned int slot;
	int vm_fd;			/* -1 until the VM exists */
	uint64_t features;		/* what we offer */
	uint64_t driver_features;	/* what the driver accepted */
	uint32_t status, isr, queue_sel;
	uint32_t features_sel, driver_features_sel;
	struct virtio_queue q[VIRTIO_MAX_QUEUES];
	uint8_t config[8];		/* configuration space: the block
					   device's capacity is all we need */
	bool reported;			/* a fault was told on stderr */
	uint64_t notifies, interrupts, requests, faults;	/* --stats */
	void *priv;			/* the device's own state */
};

/*
 * One slot's transport state, as a saved or migrating guest carries it
 * (snapshot.c): every register the driver wrote, and where each queue's
 * device side stands.  No request is ever in flight at an exit: a device
 * serves its queue whole inside the notify that asked.
 */
struct vdev_state {
	uint32_t device_id, status, isr, queue_sel;
	uint32_t features_sel, driver_features_sel;
	uint64_t driver_features;
	uint8_t config[8];
	struct {
		uint64_t desc, driver, device;
		uint32_t num, ready;
		uint16_t last_avail, used_idx;
		uint32_t pad;
	} q[VIRTIO_MAX_QUEUES];
};

struct devices_state {
	struct vdev_state slot[LIGEIRO_MMIO_SLOTS];
};

/* mmio.c: the register file. */
/* An empty slot; a device's create() fills it in. */
void vdev_init(struct vdev *d, const struct guest_mem *mem,
		 unsigned int slot);
uint32_t virtio_read(struct vdev *d, uint32_t off, uint32_t size);
void virtio_write(struct vdev *d, uint32_t off, uint32_t size,
		  uint32_t value);
/* A slot's state out, and back in: 0, or -1 after saying why not. */
void vdev_save(const struct vdev *d, struct vdev_state *s);
int vdev_load(struct vdev *d, const struct vdev_state *s);
/* Serve queue @q now (a notification, or input arrived); interrupt. */
void virtio_kick(struct vdev *d, unsigned int q);
/* vq_pop() for a device: counts the request, or reports the fault. */
int virtio_pop(struct vdev *d, unsigned int q, struct chain *c);
/* A broken request or ring: DEVICE_NEEDS_RESET, reported once. */
__attribute__((format(printf, 2, 3)))
void virtio_fault(struct vdev *d, const char *fmt, ...);

/* The devices, on an initialized slot; 0 or a LIGEIRO_EXIT_* status. */
int blk_create(struct vdev *d, const char *path, bool ro);
int console_create(struct vdev *d);
/*
 * The console's one command, Ctrl-] s (console.c), between two reads of
 * stdin: whether a command has anything to do, and whether the last byte
 * read was the escape.
 */
struct console_escape {
	bool armed, held;
};
/*
 * The guest's bytes of the @n read at @in, into @out (at most @n + 1 of
 * them: an escape held from the last read, then a byte that is no
 * command); *@asked tells whether Ctrl-] s was among them.
 */
size_t console_commands(struct console_escape *e, const unsigned char *in,
			size_t n, unsigned char *out, bool *asked);
void console_listen(struct vdev *d);	/* start reading stdin */
void console_input(struct vdev *d);	/* after it did */
int rng_create(struct vdev *d);

/* devices.c: what main.c and run.c use. */
struct devices_options {
	const char *disk;	/* --disk=FILE, or NULL */
	bool disk_ro;		/* --disk-ro */
	bool no_event_idx;	/* --no-event-idx */
};

int devices_setup(const struct devices_options *o,
		  const struct guest_mem *mem);
void devices_attach(int vm_fd);
uint32_t devices_mmio(unsigned int slot, uint32_t off, uint32_t size,
		      bool write, uint32_t value);
void devices_poll(void);
void devices_print_stats(void);
void devices_save(struct devices_state *s);
int devices_load(const struct devices_state *s);

#endif /* LIGEIRO_LAUNCHER_DEVICES_H */
