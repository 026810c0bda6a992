/* SPDX-License-Identifier: MIT */
/*
 * Boot CPU's path from the 64-bit entry to the shell: console, boot info,
 * memory, the kernel's page tables, ACPI, timers, interrupts, then every
 * other CPU.
 */
#include "kernel/bootinfo.h"
#include "lib/cmdline.h"
#include "kernel/console.h"
#include "kernel/idt.h"
#include "kernel/layout.h"
#include "kernel/log.h"
#include "kernel/mb2.h"
#include "kernel/memmap.h"
#include "kernel/page_alloc.h"
#include "kernel/paging.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/shell.h"
#include "lib/shell_parse.h"
#include "kernel/smp.h"
#include "lib/string.h"
#include "kernel/timer.h"
#include "drivers/cmos_rtc.h"
#include "kernel/x86/cpu.h"
#include "drivers/acpi.h"
#include "drivers/ioapic.h"
#include "drivers/lapic.h"
#include "drivers/pic8259.h"
#include "drivers/serial_console.h"
#include "tdx/module/tdx.h"
#include "tdx/module/tdx_init_steps.h"
#include "tdx/module/tdx_shell.h"
#include "vmm/launch.h"
#include "vmm/vm_shell.h"
#include "vmm/vmx/vmx.h"

#define DEFAULT_LAPIC_PHYS 0xFEE00000ULL

extern char __image_phys_start[], __image_phys_end[];
extern const uint64_t boot_tsc; /* boot/multiboot2.S, in the identity-mapped boot section */

static uint64_t boot_tsc_at_entry(void)
{
    return *(const volatile uint64_t *)phys_to_virt((uint64_t)&boot_tsc);
}
void log_percpu_ready(void);

static struct percpu bsp_cpu;
static uint8_t bsp_ist[3][IST_STACK_SIZE] __aligned(16);
static struct mem_range usable[BOOT_MAX_MMAP + BOOT_MAX_MODULES + 8];
static unsigned nusable;

static void bsp_cpu_init(void)
{
    bsp_cpu.cpu = 0;
    for (int i = 0; i < 3; i++)
        bsp_cpu.ist_stacks[i] = (uint64_t)bsp_ist[i] + IST_STACK_SIZE;
    percpu_install(&bsp_cpu);
    idt_init();
    cpu_tables_init(&bsp_cpu);
    cpu_table[0] = &bsp_cpu;
    cpu_count = 1;
    log_percpu_ready();
}

static void warn_unknown_option(const char *word, size_t len)
{
    pr_warn("cmdline: unknown option '%.*s' ignored", (int)len, word);
}

static void apply_maxcpus(const char *v)
{
    uint64_t n;

    if (parse_u64(v, &n) || n == 0 || n > MAX_CPUS) {
        pr_warn("cmdline: maxcpus=%s: expected 1..%u; starting every CPU", v, MAX_CPUS);
        return;
    }
    smp_set_max_cpus((unsigned)n);
}

static void apply_cmdline(const char *cl)
{
    char v[64];

    if (cmdline_find(cl, "console", v, sizeof(v)) && serial_console_init(v) < 0)
        pr_warn("cmdline: console=%s not understood; staying on COM1", v);
    if (cmdline_find(cl, "loglevel", v, sizeof(v)) && v[0] >= '0' && v[0] <= '3' && !v[1])
        log_set_level((enum log_level)(v[0] - '0'));
    if (cmdline_find(cl, "panic", v, sizeof(v)))
        panic_set_action(v);
    if (cmdline_find(cl, "maxcpus", v, sizeof(v)))
        apply_maxcpus(v);
    cmdline_check(cl, warn_unknown_option);
}

static int reserved_ranges(struct mem_range *r)
{
    const struct boot_info *bi = boot_info_get();
    int n = 0;

    r[n++] = (struct mem_range){0, MiB(1), MEM_RESERVED}; /* real mode, AP trampoline */
    r[n++] =
        (struct mem_range){(uint64_t)__image_phys_start, (uint64_t)__image_phys_end, MEM_RESERVED};
    r[n++] = (struct mem_range){bi->mbi_phys, bi->mbi_phys + bi->mbi_size, MEM_RESERVED};
    for (unsigned i = 0; i < bi->nmodules; i++)
        r[n++] = (struct mem_range){bi->modules[i].start, bi->modules[i].end, MEM_RESERVED};
    return n;
}

static void memory_init(void)
{
    const struct boot_info *bi = boot_info_get();
    struct mem_range resv[BOOT_MAX_MODULES + 3];
    int n = reserved_ranges(resv);

    n = memmap_usable(bi->mmap, bi->nmmap, resv, (unsigned)n, usable, ARRAY_SIZE(usable));
    if (n <= 0)
        panic("no usable memory in the boot memory map");
    nusable = (unsigned)n;
    if (page_alloc_init(usable, nusable))
        panic("cannot place the page allocator's bitmap below 4 GiB");
    if (paging_init(bi->mmap, bi->nmmap))
        panic("cannot build the kernel page tables");
}

static uint32_t max_enabled_apic_id(const struct acpi_info *ai)
{
    uint32_t max = 0;

    for (unsigned i = 0; ai->have_madt && i < ai->ncpus; i++)
        if (ai->cpus[i].enabled && ai->cpus[i].apic_id > max)
            max = ai->cpus[i].apic_id;
    return max;
}

static int x2apic_choice(const char *cl)
{
    char v[8];

    if (!cmdline_find(cl, "x2apic", v, sizeof(v)))
        return -1;
    if (!strcmp(v, "on"))
        return 1;
    if (!strcmp(v, "off"))
        return 0;
    pr_warn("cmdline: x2apic=%s: expected on or off", v);
    return -1;
}

static void interrupts_init(const struct acpi_info *ai)
{
    uint64_t lapic_phys = ai->have_madt && ai->lapic_addr ? ai->lapic_addr : DEFAULT_LAPIC_PHYS;

    pic8259_disable();
    if (lapic_init_bsp(lapic_phys, x2apic_choice(boot_info_get()->cmdline),
                       max_enabled_apic_id(ai)))
        panic("cannot enable the local APIC");
    bsp_cpu.apic_id = lapic_id();
    bsp_cpu.state = CPU_ONLINE;
    if (ioapic_init(ai))
        pr_warn("ioapic: none usable; console input is polled");
    serial_console_enable_irq();
    irq_enable();
}

/* run=<module>[,key=value...][+<module>...]: guests started without typing. */
static void run_boot_guests(const char *cl)
{
    char spec[256], *p = spec, *next;
    const char *err;

    if (!cmdline_find(cl, "run", spec, sizeof(spec)))
        return;
    for (; p; p = next) {
        next = strchr(p, '+');
        if (next)
            *next++ = 0;
        if (*p && vm_launch_spec(p, &err))
            pr_err("run=%s: %s", p, err);
    }
}

/* The MADT's CPUs, as the SMP code takes them (it knows nothing of ACPI). */
static void start_cpus(const struct acpi_info *ai)
{
    static struct smp_cpu_desc cpus[ACPI_MAX_CPUS];
    unsigned n = ai->have_madt ? MIN(ai->ncpus, (unsigned)ACPI_MAX_CPUS) : 0;

    for (unsigned i = 0; i < n; i++)
        cpus[i] = (struct smp_cpu_desc){ai->cpus[i].apic_id, ai->cpus[i].enabled};
    smp_boot(cpus, n);
}

void kmain(uint32_t magic, uint32_t mbi_phys);
void kmain(uint32_t magic, uint32_t mbi_phys)
{
    char ignore[64] = "";
    const struct boot_info *bi;
    const struct acpi_info *ai;

    serial_console_init(NULL);
    bsp_cpu_init();
    boot_info_parse(magic, mbi_phys);
    bi = boot_info_get();
    apply_cmdline(bi->cmdline);
    memory_init();
    pr_info("hv: booted %s via multiboot2 (%s), %lu MiB usable", HV_VERSION,
            bi->efi ? "efi" : "bios", memmap_bytes(usable, nusable) >> 20);
    cmdline_find(bi->cmdline, "acpi.ignore", ignore, sizeof(ignore));
    acpi_init(bi, ignore);
    ai = acpi_get();
    timer_calibrate(ai->have_fadt ? ai->pm_tmr_blk : 0, ai->pm_tmr_32bit);
    pr_info("timer: TSC %lu kHz (calibrated against %s)", tsc_khz(), timer_source());
    host_boot_unix_time(); /* guests' RTCs count from the host clock at boot */
    interrupts_init(ai);
    start_cpus(ai);
    tdx_setup(bi->cmdline);
    vmx_init_all();
    if (!vmx_ready())
        tdx_vmx_unavailable();
    pr_info("hv: ready in %lu TSC ticks from the multiboot entry", rdtsc() - boot_tsc_at_entry());
    vm_shell_init();
    tdx_shell_init();
    run_boot_guests(bi->cmdline);
    shell_run();
}
