/* vCPU placement on physical CPUs and the vCPU's life on its CPU. */
#include "vmm/sched.h"
#include "vmm/vm.h"
#include "kernel/errno.h"
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

/* Runs on the vCPU's physical CPU, in its idle loop, until the vCPU ends. */
static void vcpu_thread(void *arg)
{
    struct vcpu *v = arg;
    struct vm *vm = v->vm;
    int err;

    if (v->id > 0) {
        /* Secondary vCPUs wait for a start-up IPI, as real APs do; nothing models the
         * guest's local APIC yet, so they wait until the VM ends. */
        while (vcpu_halt_wait(v))
            ;
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
    if (v->state == VCPU_RUNNING || v->state == VCPU_HALTED)
        smp_kick(v->pcpu);
}
