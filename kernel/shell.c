/* Shell: a table of commands (as in ACRN's debug shell) over the line editor. */
#include <stdarg.h>
#include "kernel/shell.h"
#include "kernel/bootinfo.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/line_edit.h"
#include "kernel/mb2.h"
#include "kernel/memmap.h"
#include "kernel/page_alloc.h"
#include "kernel/percpu.h"
#include "kernel/power.h"
#include "kernel/printf.h"
#include "kernel/shell_parse.h"
#include "kernel/smp.h"
#include "kernel/string.h"
#include "kernel/timer.h"
#include "drivers/lapic.h"

struct shell_cmd {
    const char *name;
    const char *usage;
    const char *help;
    int (*fn)(int argc, char **argv);
};

static const struct shell_cmd commands[];
static struct line_edit editor;

void shell_printf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = kvsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    console_write(buf, MIN((size_t)n, sizeof(buf) - 1));
}

static int no_args(int argc, char **argv)
{
    if (argc == 1)
        return 0;
    shell_printf("%s: takes no arguments\n", argv[0]);
    return -EINVAL;
}

static int cmd_help(int argc, char **argv)
{
    if (no_args(argc, argv))
        return -EINVAL;
    for (const struct shell_cmd *c = commands; c->name; c++)
        shell_printf("  %-10s %s\n", c->name, c->help);
    return 0;
}

static int cmd_cpus(int argc, char **argv)
{
    if (no_args(argc, argv))
        return -EINVAL;
    shell_printf("%u/%u CPUs online, %s mode, TSC %lu kHz\n", smp_online_count(),
                 smp_enabled_count(), lapic_is_x2apic() ? "x2apic" : "xapic", tsc_khz());
    for (unsigned i = 0; i < cpu_count; i++) {
        const struct percpu *pc = cpu_table[i];
        shell_printf("cpu %-3u apic %-4u %s%s\n", i, pc->apic_id, cpu_state_name(pc->state),
                     i == 0 ? " (boot CPU)" : "");
    }
    return 0;
}

static int cmd_mem(int argc, char **argv)
{
    const struct boot_info *bi = boot_info_get();
    uint64_t free, total;

    if (no_args(argc, argv))
        return -EINVAL;
    page_stats(&free, &total);
    shell_printf("pages: free %lu used %lu total %lu (%lu MiB free of %lu MiB)\n", free,
                 total - free, total, free >> 8, total >> 8);
    shell_printf("memory map (%s):\n", bi->mmap_from_efi ? "EFI" : "BIOS/e820");
    for (unsigned i = 0; i < bi->nmmap; i++)
        shell_printf("  %016lx-%016lx %s\n", bi->mmap[i].base, bi->mmap[i].end - 1,
                     mem_type_name(bi->mmap[i].type));
    return 0;
}

static int cmd_modules(int argc, char **argv)
{
    const struct boot_info *bi = boot_info_get();
    char name[64];

    if (no_args(argc, argv))
        return -EINVAL;
    if (!bi->nmodules)
        shell_printf("no modules\n");
    for (unsigned i = 0; i < bi->nmodules; i++) {
        const struct boot_module *m = &bi->modules[i];
        mb2_module_name(m, name, sizeof(name));
        shell_printf("%-16s %10lu bytes at %#lx  \"%s\"\n", name, m->end - m->start, m->start,
                     m->string);
    }
    return 0;
}

static int cmd_reboot(int argc, char **argv)
{
    if (no_args(argc, argv))
        return -EINVAL;
    shell_printf("rebooting\n");
    power_reboot();
}

static int cmd_poweroff(int argc, char **argv)
{
    if (no_args(argc, argv))
        return -EINVAL;
    shell_printf("powering off\n");
    power_off();
}

/* Faults on purpose so the panic path (dump, backtrace, stopping CPUs) can be tested. */
static int cmd_crash(int argc, char **argv)
{
    if (no_args(argc, argv))
        return -EINVAL;
    volatile int *bad = (volatile int *)0x10; /* nothing is mapped at low addresses */

    __asm__("" : "+r"(bad)); /* hide the constant from the optimizer's bounds check */
    return *bad;
}

static const struct shell_cmd commands[] = {
    {"help", "", "list commands", cmd_help},
    {"cpus", "", "CPUs with APIC id and state", cmd_cpus},
    {"mem", "", "free/used pages and the memory map", cmd_mem},
    {"modules", "", "multiboot2 modules: name, size, address", cmd_modules},
    {"reboot", "", "reset the machine", cmd_reboot},
    {"poweroff", "", "power the machine off (ACPI S5)", cmd_poweroff},
    {"crash", "", "debug: fault in the hypervisor to test the panic path", cmd_crash},
    {NULL, NULL, NULL, NULL},
};

int shell_execute(char *line)
{
    char *argv[SHELL_MAX_ARGS];
    const char *err = NULL;
    int argc = shell_split(line, argv, SHELL_MAX_ARGS, &err);

    if (argc < 0) {
        shell_printf("error: %s\n", err ? err : "cannot parse the line");
        return argc;
    }
    if (argc == 0)
        return 0;
    for (const struct shell_cmd *c = commands; c->name; c++)
        if (!strcmp(c->name, argv[0]))
            return c->fn(argc, argv);
    shell_printf("unknown command: '%.40s' (try 'help')\n", argv[0]);
    return -ENOENT;
}

static void emit(const char *s, size_t n, void *ctx)
{
    console_write(s, n);
}

void shell_run(void)
{
    line_edit_init(&editor, emit, NULL);
    shell_printf("%s", SHELL_PROMPT);
    for (;;) {
        enum line_status st = line_edit_feed(&editor, (char)console_getc());
        if (st == LINE_DONE)
            shell_execute(editor.line);
        if (st != LINE_PENDING)
            shell_printf("%s", SHELL_PROMPT);
    }
}
