/* SPDX-License-Identifier: MIT */
#include "conf.h"
#include "percpu.h"

void conf_start(void);
void conf_start(void)
{
    serial_init();
    env_init();       /* before anything writes low memory */
    outb(0xff, 0x21); /* mask both 8259s */
    outb(0xff, 0xa1);
    idt_init();
    cpu_setup(0);
    vm_init();
    acpi_init();
    apic_reset_state();
    percpus[0].apic_id = apic_id();
    percpus[0].online = true;
    time_init();
    smp_init();
    report_info("runtime: %d CPUs online (MADT %d), TSC %lu kHz (%s), env '%s'", nr_cpus(),
                smp_madt_cpus(), tsc_hz() / 1000, tsc_hz_source(),
                env_get("NR_CPUS") ? env_get("NR_CPUS") : "-");
    if (smp_failed_cpus())
        report_fail("runtime: %d MADT processors did not start", smp_failed_cpus());
    if (env_get("NR_CPUS") && env_get_ulong("NR_CPUS", 0) != (unsigned long)nr_cpus())
        report_fail("runtime: NR_CPUS=%s but %d CPUs online", env_get("NR_CPUS"), nr_cpus());
    int ret = main();
    int status = report_summary();
    if (ret && !status)
        status = 1;
    exit(status);
}
