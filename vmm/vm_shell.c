/* SPDX-License-Identifier: MIT */
/* Shell commands for VMs: guests, launch, vms, console, log, stop, kill, stats. */
#include "vmm/vm_shell.h"
#include "vmm/loader/bzimage.h"
#include "vmm/launch.h"
#include "vmm/loader/image.h"
#include "vmm/sched.h"
#include "vmm/vm.h"
#include "kernel/bootinfo.h"
#include "kernel/console.h"
#include "lib/errno.h"
#include "kernel/layout.h"
#include "kernel/mb2.h"
#include "kernel/page_alloc.h"
#include "lib/printf.h"
#include "kernel/shell.h"
#include "lib/shell_parse.h"
#include "lib/string.h"
#include "kernel/timer.h"
#include "kernel/x86/cpu.h"

#define CTRL_RBRACKET 0x1d
#define STOP_WAIT_US 2000000

static const struct shell_cmd vm_commands[];

static const struct shell_cmd *cmd(const char *name)
{
    for (const struct shell_cmd *c = vm_commands; c->name; c++)
        if (!strcmp(c->name, name))
            return c;
    return NULL;
}

static int cmd_guests(int argc, char **argv)
{
    const struct boot_info *bi = boot_info_get();

    if (argc != 1)
        return shell_usage(cmd("guests"));
    if (!bi->nmodules)
        shell_printf("no guest images (add module2 lines to grub.cfg)\n");
    for (unsigned i = 0; i < bi->nmodules; i++) {
        const struct boot_module *m = &bi->modules[i];
        const char *sp = strchr(m->string, ' '), *err;
        struct image_plan p;
        char name[64];
        mb2_module_name(m, name, sizeof(name));
        if (bzimage_detect(phys_to_virt(m->start), m->end - m->start))
            shell_printf("%-14s %9lu bytes  linux bzImage (64-bit entry)\n", name,
                         m->end - m->start);
        else if (image_parse(phys_to_virt(m->start), m->end - m->start, sp ? sp + 1 : "", &p, &err))
            shell_printf("%-14s %9lu bytes  invalid: %s\n", name, m->end - m->start, err);
        else
            shell_printf("%-14s %9lu bytes  %s (%s mode)\n", name, m->end - m->start,
                         image_kind_name(p.kind), start_mode_name(p.mode));
    }
    return 0;
}

static int cmd_launch(int argc, char **argv)
{
    struct launch_req r = {0};
    const char *err = NULL;
    struct vm *vm;

    if (argc < 2 || strchr(argv[1], '='))
        return shell_usage(cmd("launch"));
    r.image = argv[1];
    for (int i = 2; i < argc; i++)
        if (launch_parse_key(&r, argv[i], &err)) {
            shell_printf("launch: '%.40s': %s\n", argv[i], err);
            return -EINVAL;
        }
    if (launch_precheck(&r, &err) || vm_launch(&r, &vm, &err)) {
        shell_printf("launch: %s: %s\n", r.image, err);
        return -EINVAL;
    }
    shell_printf("launched vm %u '%s' (%s, %u vCPU%s, %lu MiB)\n", vm->id, vm->name, vm->ops->name,
                 vm->nvcpus, vm->nvcpus > 1 ? "s" : "", vm->mem_size >> 20);
    return 0;
}

static uint64_t vm_uptime_ms(const struct vm *vm)
{
    uint64_t end = vm->state <= VM_HALTED ? rdtsc() : vm->end_tsc;

    return vm->start_tsc && end > vm->start_tsc ? (end - vm->start_tsc) / tsc_khz() : 0;
}

static uint64_t vm_exits(const struct vm *vm)
{
    uint64_t n = 0;

    for (unsigned i = 0; i < vm->nvcpus; i++)
        n += vm->vcpus[i].exits;
    return n;
}

static void print_vm(const struct vm *vm)
{
    char cpus[32] = "-";
    size_t off = 0;

    for (unsigned i = 0; vm->state <= VM_HALTED && i < vm->nvcpus && off < sizeof(cpus) - 4; i++)
        off += ksnprintf(cpus + off, sizeof(cpus) - off, "%s%u", i ? "," : "", vm->vcpus[i].pcpu);
    shell_printf("%-3u %-12s %-4s %-8s %u@%-6s %5lu MiB %10lu %6lu.%01lu s", vm->id, vm->name,
                 vm->ops->name, vm_state_name(vm->state), vm->nvcpus, cpus, vm->mem_size >> 20,
                 vm_exits(vm), vm_uptime_ms(vm) / 1000, vm_uptime_ms(vm) % 1000 / 100);
    shell_printf(vm->state >= VM_EXITED ? "  (%s)\n" : "%s\n",
                 vm->state >= VM_EXITED ? vm->reason : "");
}

static int cmd_vms(int argc, char **argv)
{
    if (argc != 1)
        return shell_usage(cmd("vms"));
    if (!vm_count()) {
        shell_printf("no VMs (start one with 'launch')\n");
        return 0;
    }
    shell_printf("id  name         back state    cpus     memory      exits   uptime\n");
    for (unsigned i = 0; i < VM_MAX; i++)
        if (vm_get(i))
            print_vm(vm_get(i));
    return 0;
}

static struct vm *vm_arg(int argc, char **argv, const char *name)
{
    struct vm *vm;

    if (argc != 2) {
        shell_usage(cmd(name));
        return NULL;
    }
    vm = vm_find(argv[1]);
    if (!vm)
        shell_printf("%s: no VM '%.40s' (see 'vms')\n", name, argv[1]);
    return vm;
}

static void dump_history(struct vm *vm, uint64_t *pos)
{
    char buf[256];
    size_t n;

    while ((n = vm_console_history(vm, pos, buf, sizeof(buf))))
        console_write(buf, n);
}

static int cmd_log(int argc, char **argv)
{
    struct vm *vm = vm_arg(argc, argv, "log");
    uint64_t pos = 0;

    if (!vm)
        return -ENOENT;
    dump_history(vm, &pos);
    if (pos &&
        vm->history.buf[(vm->history.head + vm->history.size - 1) % vm->history.size] != '\n')
        shell_printf("\n");
    return 0;
}

/* Forwards typed bytes to the VM; Ctrl-] q detaches, Ctrl-] Ctrl-] sends one Ctrl-]. */
static void attached_loop(struct vm *vm)
{
    bool esc = false;

    while (vm->state <= VM_HALTED) {
        int c;
        irq_disable();
        c = console_trygetc();
        if (c < 0) {
            irq_enable_and_halt(); /* input, or the VM's end, wakes us */
            continue;
        }
        irq_enable();
        if (esc && c == 'q')
            return;
        if (!esc && c == CTRL_RBRACKET) {
            esc = true;
            continue;
        }
        esc = false;
        if (!vm_console_input(vm, (char)c))
            console_write("\a", 1); /* its UART FIFO is full: the guest is not reading */
    }
    shell_printf("\n[vm %s %s: %s]\n", vm->name, vm_state_name(vm->state), vm->reason);
}

static int cmd_console(int argc, char **argv)
{
    struct vm *vm = vm_arg(argc, argv, "console");
    uint64_t pos = 0;

    if (!vm)
        return -ENOENT;
    if (vm->state > VM_HALTED) {
        shell_printf("console: vm %s is %s (%s); 'log %s' shows its output\n", vm->name,
                     vm_state_name(vm->state), vm->reason, vm->name);
        return -EINVAL;
    }
    shell_printf("[attached to %s; Ctrl-] then q detaches]\n", vm->name);
    console_set_attached(true);
    do
        dump_history(vm, &pos);
    while (!vm_console_attach_at(vm, pos));
    attached_loop(vm);
    vm_console_detach();
    console_set_attached(false);
    shell_printf("\n[detached from %s]\n", vm->name);
    return 0;
}

static void wait_released(struct vm *vm)
{
    uint64_t end = uptime_us() + STOP_WAIT_US;

    while (__atomic_load_n(&vm->vcpus_done, __ATOMIC_ACQUIRE) < vm->nvcpus && uptime_us() < end)
        cpu_relax();
}

static int end_vm(int argc, char **argv, const char *name, const char *reason)
{
    struct vm *vm = vm_arg(argc, argv, name);

    if (!vm)
        return -ENOENT;
    if (vm->state > VM_HALTED) {
        shell_printf("%s: vm %s is not running (%s: %s)\n", name, vm->name,
                     vm_state_name(vm->state), vm->reason);
        return -EALREADY;
    }
    vm_stop(vm, "%s", reason);
    wait_released(vm);
    if (vm->vcpus_done < vm->nvcpus)
        shell_printf("%s: vm %s has not left its CPUs yet; its memory comes back when it does\n",
                     name, vm->name);
    return 0;
}

static int cmd_stop(int argc, char **argv)
{
    /* No backend has a way to ask a guest to shut down yet, so stop is a forced stop. */
    return end_vm(argc, argv, "stop", "stopped by the user (forced: no shutdown request path)");
}

static int cmd_kill(int argc, char **argv)
{
    return end_vm(argc, argv, "kill", "killed by the user");
}

static int cmd_stats(int argc, char **argv)
{
    struct vm *vm;
    bool timed = false;

    if (argc < 2 || argc > 3 ||
        (argc == 3 && strcmp(argv[2], "on") != 0 && strcmp(argv[2], "off") != 0)) {
        shell_usage(cmd("stats"));
        return -EINVAL;
    }
    vm = vm_find(argv[1]);
    if (!vm) {
        shell_printf("stats: no VM '%.40s' (see 'vms')\n", argv[1]);
        return -ENOENT;
    }
    if (argc == 3) { /* switches timing; the counts and earlier timings stay */
        vm->exit_timing = strcmp(argv[2], "on") == 0;
        shell_printf("vm %s: exit timing %s\n", vm->name, vm->exit_timing ? "on" : "off");
        return 0;
    }
    shell_printf("vm %s: %lu exits, %lu unhandled port accesses, %lu unclaimed memory accesses\n",
                 vm->name, vm_exits(vm), vm->unhandled_io, vm->unclaimed_mem);
    shell_printf("  %-20s %10s %14s\n", "reason", "count", "mean TSC ticks");
    for (int c = 0; c < VMEXIT_CLASSES; c++) {
        uint64_t n = 0, nt = 0, cyc = 0;
        for (unsigned i = 0; i < vm->nvcpus; i++) {
            n += vm->vcpus[i].exit_count[c];
            nt += vm->vcpus[i].exit_timed[c];
            cyc += vm->vcpus[i].exit_cycles[c];
        }
        timed |= nt != 0;
        if (nt)
            shell_printf("  %-20s %10lu %14lu\n", vm->ops->exit_class_name(c), n, cyc / nt);
        else if (n)
            shell_printf("  %-20s %10lu %14s\n", vm->ops->exit_class_name(c), n, "-");
    }
    if (!timed)
        shell_printf("  (costs not measured: 'stats %s on' times the exits after it)\n", vm->name);
    return 0;
}

static const struct shell_cmd vm_commands[] = {
    {"guests", "", "guest images from the boot modules: name, size, kind", NULL, cmd_guests},
    {"launch",
     "<image> [name=<vm>] [backend=vmx|tdx] [mem=<size>] [cpus=<n>] [cmdline=\"...\"] "
     "[initrd=<image>]... [platform=pc|none] [strict-mem=on|off] [cpuid=<model>,-feat,...]",
     "create and start a VM from a guest image",
     "  Defaults: name = the image's name, backend=vmx, mem=32M (256M for Linux), cpus=1.\n"
     "  Sizes take K, M or G. cmdline= is passed to multiboot and Linux kernels;\n"
     "  initrd= names the boot module a Linux kernel gets as its initramfs, or up to\n"
     "  four modules a multiboot1 kernel gets, in order.\n"
     "  platform=none gives the bare board (COM1, debug exit) instead of the PC.\n"
     "  strict-mem=on stops the VM when it touches an address outside its RAM and\n"
     "  devices; by default such reads return all ones and writes are dropped.\n"
     "  cpuid=host|baseline,-x2apic,-pcid,... shapes the CPU the guest sees (in run=, ':').\n"
     "  Each vCPU gets a CPU of its own, never the console CPU.",
     cmd_launch},
    {"vms", "", "list VMs: id, name, backend, state, CPUs, memory, exits, uptime", NULL, cmd_vms},
    {"console", "<vm>", "attach the terminal to a VM's serial port (Ctrl-] q detaches)",
     "  What the VM wrote before is shown first (up to 64 KiB).\n"
     "  Ctrl-] Ctrl-] sends one Ctrl-] to the guest.",
     cmd_console},
    {"log", "<vm>", "print a VM's console output without attaching", NULL, cmd_log},
    {"stop", "<vm>", "stop a VM (forced: no guest shutdown request yet) and free its memory", NULL,
     cmd_stop},
    {"kill", "<vm>", "stop a VM at once and free its memory", NULL, cmd_kill},
    {"stats", "<vm> [on|off]", "a VM's exits by reason: count and mean cost in TSC ticks",
     "  Exits are always counted. Their cost is measured only while timing is on\n"
     "  ('stats <vm> on'; off by default, as it adds an RDTSC pair to every exit);\n"
     "  the mean covers the exits timed.",
     cmd_stats},
    {NULL, NULL, NULL, NULL, NULL},
};

void vm_shell_init(void)
{
    shell_register(vm_commands);
}
