/* SPDX-License-Identifier: MIT */
/* vCPU placement on physical CPUs and the vCPU's life on its CPU. */
#include "vmm/sched.h"
#include "vmm/vm.h"
#include "vmm/irqchip.h"
#include "vmm/loader/image.h"
#include "lib/errno.h"
#include "kernel/percpu.h"
#include "kernel/smp.h"

static bool cpu_free(const struct vm *vm, unsigned cpu)
{
    return cpu_table[cpu]->state == CPU_ONLINE && !smp_cpu_busy(cpu) && vm->ops->cpu_usable(cpu);
}

unsigned sched_free_cpus(const struct vm *vm)
{
    unsigned n = 0;

    for (unsigned cpu = 1; cpu < cpu_count; cpu++)
        n += cpu_free(vm, cpu);
    return n;
}

/*
 * Secondary vCPUs wait for INIT and a start-up IPI from the guest, as real
 * APs do, and start in real mode at the SIPI's page. Without local APICs
 * (an irqchip with no wait_start) nobody can send one: they wait until the
 * VM ends.
 */
static bool ap_started(struct vcpu *v)
{
    const struct irqchip_ops *chip = v->vm->irqchip;
    struct vcpu_start st = {.mode = START_REAL16};
    int vector;

    if (!chip->wait_start || !v->vm->ops->vcpu_reset) {
        while (vcpu_halt_wait(v))
            ;
        return false;
    }
    vector = chip->wait_start(v->vm->irqchip_ctx, v);
    if (vector < 0)
        return false;
    st.rip = (uint64_t)vector << 12;
    return v->vm->ops->vcpu_reset(v, &st) == 0;
}

/* Runs on the vCPU's physical CPU, in its idle loop, until the vCPU ends. */
static void vcpu_thread(void *arg)
{
    struct vcpu *v = arg;
    struct vm *vm = v->vm;
    int err;

    if (v->id > 0 && !ap_started(v)) {
        err = 0;
        goto done;
    }
    v->state = VCPU_RUNNING;
    err = vm->ops->vcpu_run(v);
    if (err)
        vm_stop(vm, "vCPU %u could not run (error %d)", v->id, err);
done:
    v->state = VCPU_DONE;
    /* The last vCPU out gives the memory back; the VM stays listed with its reason. */
    if (__atomic_add_fetch(&vm->vcpus_done, 1, __ATOMIC_ACQ_REL) == vm->nvcpus)
        vm_destroy(vm);
}

int sched_start_vm(struct vm *vm)
{
    unsigned cpu = 1;

    /* The console CPU (0) never runs guests: the shell must stay responsive. */
    if (sched_free_cpus(vm) < vm->nvcpus)
        return -EBUSY;
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        while (!cpu_free(vm, cpu))
            cpu++;
        vm->vcpus[i].pcpu = cpu;
        if (smp_run_on(cpu, vcpu_thread, &vm->vcpus[i]))
            return -EBUSY; /* cannot happen: only the console CPU places vCPUs */
    }
    return 0;
}

void sched_kick(struct vcpu *v)
{
    v->fast_exits = 0;
    if (v->state == VCPU_RUNNING || v->state == VCPU_HALTED)
        smp_kick(v->pcpu);
}
