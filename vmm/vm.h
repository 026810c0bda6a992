/* SPDX-License-Identifier: MIT */
/* Virtual machines and vCPUs: the backend-neutral part. */
#ifndef VMM_VM_H
#define VMM_VM_H

#include "lib/compiler.h"
#include "kernel/spinlock.h"
#include "vmm/dev/uart_model.h"
#include "vmm/io.h"
#include "lib/ring.h"
#include "vmm/vm_ops.h"
#include "vmm/cpu_model.h"
#include "vmm/cpuid.h"
#include "vmm/msr_virt.h"

struct board;
struct irqchip_ops;

#define VM_MAX 16
#define VM_MAX_VCPUS 8
#define VM_NAME_MAX 32
#define VM_MAX_CHUNKS 512      /* guest memory in chunks of up to 2 MiB: 1 GiB max */
#define VM_HISTORY (64 * 1024) /* console output kept per VM */
#define VM_DEV_INLINE 256 /* device state up to this size needs no page (vmm/platform/board.c) */

enum vm_state {
    VM_RUNNING,
    VM_HALTED,  /* every vCPU waits in HLT */
    VM_EXITED,  /* the guest ended itself with a code */
    VM_STOPPED, /* stopped by the hypervisor or the user, with a reason */
};

enum vcpu_state { VCPU_IDLE, VCPU_RUNNING, VCPU_HALTED, VCPU_DONE };

struct vcpu {
    struct vm *vm;
    unsigned id;
    unsigned pcpu; /* physical CPU it runs on */
    volatile int state;
    volatile bool stop; /* set by anyone; the vCPU leaves its loop at the next exit */
    void *arch;         /* backend state */
    /*
     * Whether the backend's exit fast path may resume the guest (its own
     * mode, set before each full entry). sched_kick zeroes it: whatever the
     * kick is for, the vCPU's next exit takes the full path, even where a
     * kick sent while that CPU ran the fast path is not taken at VMRESUME
     * (Bochs 2.7).
     */
    volatile uint8_t fast_exits;
    uint64_t exits;
    uint64_t exit_count[VMEXIT_CLASSES];
    /* Only while the VM's exit_timing is on (`stats <vm> on`): exits timed and their ticks. */
    uint64_t exit_timed[VMEXIT_CLASSES];
    uint64_t exit_cycles[VMEXIT_CLASSES];
    struct vcpu_msrs msrs; /* the CPU model's virtual MSRs (vmm/msr_model.c) */
};

struct mem_chunk {
    uint64_t gpa;
    uint64_t hpa;
    uint64_t size;
};

struct vm {
    bool used; /* slot taken (the VM may have ended) */
    unsigned id;
    char name[VM_NAME_MAX];
    const struct vm_ops *ops;
    void *arch; /* backend state */
    /* The board (vmm/platform/board.c): the devices, their state and the interrupt controller. */
    const struct board *board;
    struct vm_io io;                   /* who answers which port, MMIO address and MSR (vmm/io.h) */
    const struct irqchip_ops *irqchip; /* vmm/irqchip.h */
    void *irqchip_ctx;
    void *dev_mem; /* the devices' state: dev_inline, or dev_pages pages */
    unsigned dev_pages;
    uint8_t dev_inline[VM_DEV_INLINE] __aligned(64);
    volatile int state;
    int exit_code;
    char reason[96];
    uint64_t mem_size;
    unsigned nchunks;
    struct mem_chunk chunks[VM_MAX_CHUNKS];
    unsigned nvcpus;
    struct vcpu vcpus[VM_MAX_VCPUS];
    volatile unsigned vcpus_done;
    /*
     * COM1 (vmm/platform/dev_com1.c), the VM's console: here rather than in
     * the board's pages, since console input and history may reach it after
     * the VM ended. uart_line is its interrupt line's level.
     */
    struct uart_model uart;
    bool uart_line;
    /* Console input for the guest, with vm->lock held; false when it was dropped. */
    bool (*console_input)(struct vm *vm, uint8_t c);
    char line[160]; /* console output being assembled */
    unsigned line_len;
    struct ring history;
    char *history_buf;
    uint64_t unhandled_io;
    /*
     * `stats <vm> on`: exits are also timed (an RDTSC pair each, a tenth of
     * a short exit's path). Off by default: exits are only counted.
     */
    volatile bool exit_timing;
    /* Accesses outside RAM and devices: all-ones reads, dropped writes, unless strict_mem. */
    uint64_t unclaimed_mem;
    bool strict_mem;
    uint64_t start_tsc;
    uint64_t end_tsc;
    /* The CPU it is shown (cpuid=, vmm/cpu_model.h) and what that resolved to (vm_cpuid_init). */
    struct cpu_model cpu_model;
    struct cpu_features cpu;
    uint64_t xcr0;                     /* the XCR0 bits CPUID.0DH shows */
    bool x2apic_start;                 /* vm_config.x2apic_start */
    struct vm_cpuid_cache cpuid_cache; /* vm_cpuid_init */
    spinlock_t lock;                   /* the console: COM1's model and the history */
};

struct vm_config {
    const char *name;
    const struct vm_ops *ops;
    uint64_t mem_size;
    unsigned nvcpus;
    /* Its devices: &board_bare (NULL means it too) or &board_pc (vmm/platform/board.h). */
    const struct board *board;
    bool strict_mem;            /* stop the VM on an access outside its RAM and devices */
    struct cpu_model cpu_model; /* cpuid= (zero: the host model) */
    /*
     * PC board: the local APICs start in x2APIC mode (unless cpuid=-x2apic),
     * and CPUID shows the KVM signature leaf at 0x40000100 (no KVM features)
     * so Linux keeps that mode without interrupt remapping (docs/linux-guest.md).
     */
    bool x2apic_start;
};

/* Creates a VM with zeroed memory (no vCPUs yet). Returns it or NULL with *err set. */
struct vm *vm_create(const struct vm_config *cfg, const char **err);
/* Gives back every page; the VM's vCPUs must have left their CPUs. */
void vm_destroy(struct vm *vm);
/* A VM that never ran (its image could not be loaded, no CPU): stopped with why, and destroyed. */
void vm_abandon(struct vm *vm, const char *why);
/* Host pointer for [gpa, gpa+len) if it lies in one chunk of the VM's memory, else NULL. */
void *vm_gpa_to_hva(struct vm *vm, uint64_t gpa, uint64_t len);
int vm_copy_to_guest(struct vm *vm, uint64_t gpa, const void *src, uint64_t len);
/* Starts every vCPU on its physical CPU. */
int vm_start(struct vm *vm, const struct vcpu_start *start);
/* Ends the VM (first reason wins) and asks every vCPU to leave. */
void vm_stop(struct vm *vm, const char *fmt, ...) __printf(2, 3);
void vm_exit_code(struct vm *vm, int code);
/* The guest turned itself off (ACPI S5 or reset): ends the VM with code 0 and why. */
void vm_power_off(struct vm *vm, const char *why);
struct vm *vm_find(const char *name_or_id);
struct vm *vm_get(unsigned idx);
const char *vm_state_name(int state);

/* Hypercall dispatch (backend-neutral ABI, docs/guest-abi.md). */
enum { HC_PRINT = 1, HC_EXIT = 2, HC_SELF_IRQ = 3 };
uint64_t vm_hypercall(struct vcpu *v, uint64_t nr, uint64_t a0, uint64_t a1);
/*
 * True when hypercall nr may queue an interrupt for the caller or end the
 * VM (no kick reaches the caller's own CPU then): an exit fast path must
 * leave it to the full path, whose entry step delivers what it queued.
 */
static inline bool vm_hypercall_has_events(uint64_t nr)
{
    return nr == HC_EXIT || nr == HC_SELF_IRQ;
}
/*
 * The vCPU executed HLT: waits on its CPU until its interrupt controller
 * wakes it (vcpu_irq_wake) or it must stop; false when it must stop.
 */
bool vcpu_halt_wait(struct vcpu *v);
/* The same wait, until woken(v) says the vCPU may go on (checked after each wake-up). */
bool vcpu_halt_until(struct vcpu *v, bool (*woken)(struct vcpu *v));
/*
 * A VM exit for a host interrupt, in either backend: runs its handler if the
 * exit acknowledged it (exit_intr_info valid: TDs), else lets the CPU take
 * it. False when the vCPU must stop.
 */
bool vcpu_host_interrupt(struct vcpu *v, uint32_t exit_intr_info);
/* A VM exit for an NMI: the host's (panic or stop of the other CPUs), or nothing to do. */
void vcpu_host_nmi(void);

/*
 * What vm_pio does for a port nobody claimed, and a device's reads of a
 * write-only port: reads float high, writes vanish; counted. Inline for the
 * exit fast path.
 */
static inline void vm_pio_unclaimed(struct vcpu *v, unsigned size, bool in, uint32_t *val)
{
    v->vm->unhandled_io++;
    if (in)
        *val = size == 4 ? 0xffffffffu : size == 2 ? 0xffffu : 0xffu;
}

/* Exit timing for `stats` (only while the VM's exit_timing is on): one exit of class cls took ticks. */
static inline void vcpu_account_time(struct vcpu *v, int cls, uint64_t ticks)
{
    v->exit_timed[cls]++;
    v->exit_cycles[cls] += ticks;
}

/* Exit statistics for `stats`: one exit of class cls whose handling began at TSC t0. */
static inline void vcpu_account_exit(struct vcpu *v, int cls, uint64_t t0, uint64_t now)
{
    v->exits++;
    v->exit_count[cls]++;
    if (v->vm->exit_timing)
        vcpu_account_time(v, cls, now - t0);
}
/*
 * Console output of the VM (UART or hypercall print), with vm->lock held:
 * kept in its history; shown raw when its console is attached, else as
 * "[name] line" lines.
 */
void vm_console_put_locked(struct vm *vm, char c);
/* Detaches the terminal from any VM console. */
void vm_console_detach(void);
struct vm *vm_console_attached(void);
/* Queues input for the VM's UART; false when its FIFO is full. */
bool vm_console_input(struct vm *vm, char c);
/*
 * Copies console history from absolute byte position *pos (0 = the first
 * byte the VM ever wrote; older bytes than the ring holds are skipped) and
 * advances *pos. Returns the bytes copied, 0 when caught up.
 */
size_t vm_console_history(struct vm *vm, uint64_t *pos, char *dst, size_t len);
/* Attaches the terminal to vm if *pos has caught up with its output; true when attached. */
bool vm_console_attach_at(struct vm *vm, uint64_t pos);
/* Free page count is unchanged by VMs that ended: every VM page is back. */
unsigned vm_count(void);

#endif
