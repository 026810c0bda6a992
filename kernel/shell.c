/* SPDX-License-Identifier: MIT */
/* Shell: a table of commands (as in ACRN's debug shell) over the line editor. */
#include <stdarg.h>
#include "kernel/shell.h"
#include "kernel/bootinfo.h"
#include "kernel/console.h"
#include "lib/errno.h"
#include "lib/line_edit.h"
#include "kernel/mb2.h"
#include "kernel/memmap.h"
#include "kernel/page_alloc.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/power.h"
#include "lib/printf.h"
#include "lib/shell_parse.h"
#include "kernel/smp.h"
#include "lib/string.h"
#include "kernel/timer.h"
#include "kernel/apic.h"

#define MAX_TABLES 4

static const struct shell_cmd commands[];
static const struct shell_cmd *tables[MAX_TABLES] = {commands};
static unsigned ntables = 1;
static struct line_edit editor;

int shell_register(const struct shell_cmd *table)
{
    if (ntables == MAX_TABLES)
        return -ENOSPC;
    tables[ntables++] = table;
    return 0;
}

static const struct shell_cmd *find_cmd(const char *name)
{
    for (unsigned t = 0; t < ntables; t++)
        for (const struct shell_cmd *c = tables[t]; c->name; c++)
            if (!strcmp(c->name, name))
                return c;
    return NULL;
}

int shell_usage(const struct shell_cmd *c)
{
    shell_printf("usage: %s %s\n", c->name, c->usage);
    return -EINVAL;
}

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

static int help_one(const char *name)
{
    const struct shell_cmd *c = find_cmd(name);

    if (!c) {
        shell_printf("help: no command '%.40s'\n", name);
        return -ENOENT;
    }
    shell_printf("%s %s\n  %s\n", c->name, c->usage, c->help);
    if (c->details)
        shell_printf("%s\n", c->details);
    return 0;
}

static int cmd_help(int argc, char **argv)
{
    if (argc > 2) {
        shell_printf("usage: help [command]\n");
        return -EINVAL;
    }
    if (argc == 2)
        return help_one(argv[1]);
    for (unsigned t = 0; t < ntables; t++)
        for (const struct shell_cmd *c = tables[t]; c->name; c++)
            shell_printf("  %-10s %s\n", c->name, c->help);
    shell_printf("'help <command>' tells more about one command.\n");
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
    {"help", "[command]", "list commands, or tell more about one", NULL, cmd_help},
    {"cpus", "", "CPUs with APIC id and state", NULL, cmd_cpus},
    {"mem", "", "free/used pages and the memory map", NULL, cmd_mem},
    {"modules", "", "multiboot2 modules: name, size, address", NULL, cmd_modules},
    {"reboot", "", "reset the machine (VMX is switched off on every CPU first)", NULL, cmd_reboot},
    {"poweroff", "", "power the machine off through ACPI S5", NULL, cmd_poweroff},
    {"crash", "", "debug: fault in the hypervisor to test the panic path",
     "  Dereferences an unmapped address on purpose; the panic dump follows.", cmd_crash},
    {NULL, NULL, NULL, NULL, NULL},
};

int shell_execute(char *line)
{
    char *argv[SHELL_MAX_ARGS];
    const char *err = NULL;
    const struct shell_cmd *c;
    int argc;

    BUG_ON(this_cpu_id() != 0); /* the shell is CPU 0's (docs/locking.md) */
    argc = shell_split(line, argv, SHELL_MAX_ARGS, &err);

    if (argc < 0) {
        shell_printf("error: %s\n", err ? err : "cannot parse the line");
        return argc;
    }
    if (argc == 0)
        return 0;
    c = find_cmd(argv[0]);
    if (c)
        return c->fn(argc, argv);
    shell_printf("unknown command: '%.40s' (try 'help')\n", argv[0]);
    return -ENOENT;
}

/* The editor runs under the console lock (see shell_run), so its echo writes raw. */
static void emit(const char *s, size_t n, void *ctx)
{
    console_write_raw(s, n);
}

/* Under the console lock: erase the input line before asynchronous output... */
static void prompt_hide(void)
{
    console_write_raw("\r\x1b[K", 4);
}

/* ...and put the prompt and the half-typed line back after it. */
static void prompt_show(void)
{
    console_write_raw(SHELL_PROMPT, sizeof(SHELL_PROMPT) - 1);
    console_write_raw(editor.buf, editor.len);
}

/* Prompt and "visible" flag change together, so async output always sees them agree. */
static void show_prompt(void)
{
    uint64_t f = console_lock();

    console_write_raw(SHELL_PROMPT, sizeof(SHELL_PROMPT) - 1);
    console_prompt_visible_locked(true);
    console_unlock(f);
}

static enum line_status feed(char c)
{
    uint64_t f = console_lock();
    enum line_status st = line_edit_feed(&editor, c);

    if (st == LINE_DONE)
        console_prompt_visible_locked(false); /* command output is not an interruption */
    console_unlock(f);
    return st;
}

void shell_run(void)
{
    line_edit_init(&editor, emit, NULL);
    console_set_prompt_hooks(prompt_hide, prompt_show);
    show_prompt();
    for (;;) {
        enum line_status st = feed((char)console_getc());
        if (st == LINE_PENDING)
            continue;
        if (st == LINE_DONE)
            shell_execute(editor.line);
        show_prompt();
    }
}
