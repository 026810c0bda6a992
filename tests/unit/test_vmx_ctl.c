/* SPDX-License-Identifier: MIT */
/* unit-srcs: vmm/vmx/vmx_ctl.c */
/*
 * VMX control adjustment (SDM Vol. 3D A.3): forced bits set, unsupported
 * bits cleared. The MSR values are what Bochs 2.7 reports (skylake_x and
 * tigerlake, /work/shared/reference/emulators.md section 2).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "vmm/vmx/vmx.h"
#include "vmm/vmx/vmx_hw.h"

/* skylake_x */
#define SKX_PINBASED 0x0000007f00000016ULL
#define SKX_PROCBASED 0xf7f9fffe0401e172ULL
#define SKX_EXIT 0x007fffff00036dffULL
#define SKX_ENTRY 0x0000ffff000011ffULL
#define SKX_PROCBASED2 0x02177fff00000000ULL
#define SKX_TRUE_PINBASED 0x0000007f00000016ULL
#define SKX_TRUE_PROCBASED 0xf7f9fffe04006172ULL
#define SKX_TRUE_EXIT 0x007fffff00036dfbULL
#define SKX_TRUE_ENTRY 0x0000ffff000011fbULL
/* tigerlake */
#define TGL_PROCBASED 0xfff9fffe0401e172ULL
#define TGL_EXIT 0x107fffff00036dffULL
#define TGL_PROCBASED2 0x02977fff00000000ULL
#define TGL_TRUE_PROCBASED 0xfff9fffe04006172ULL

#define PROC_MTF (1U << 27)       /* monitor trap flag: tigerlake only */
#define PIN_POSTED_INTR (1U << 7) /* no Bochs model has it */
#define EXIT_LOAD_CET (1U << 28)  /* tigerlake only */
#define PROC2_MBEC (1U << 22)     /* mode-based execute control: none */

static uint32_t adjust(uint64_t msr, uint32_t want)
{
    struct vmx_ctl c = vmx_ctl_from_msr(msr);

    return vmx_adjust_ctl(&c, want);
}

static void test_ctl_from_msr_split(void **state)
{
    struct vmx_ctl c = vmx_ctl_from_msr(SKX_TRUE_PROCBASED);

    assert_int_equal(c.must1, 0x04006172);
    assert_int_equal(c.may1, 0xf7f9fffe);
    c = vmx_ctl_from_msr(0xffffffff00000000ULL);
    assert_int_equal(c.must1, 0);
    assert_int_equal(c.may1, 0xffffffff);
    c = vmx_ctl_from_msr(0x00000000ffffffffULL);
    assert_int_equal(c.must1, 0xffffffff);
    assert_int_equal(c.may1, 0);
    c = vmx_ctl_from_msr(0x8000000180000001ULL);
    assert_int_equal(c.must1, 0x80000001);
    assert_int_equal(c.may1, 0x80000001);
}

static void test_adjust_forced_and_unsupported(void **state)
{
    struct vmx_ctl c = {.must1 = 0x0000000f, .may1 = 0x00ff00ff};

    assert_int_equal(vmx_adjust_ctl(&c, 0), 0x0f);                /* forced bits set */
    assert_int_equal(vmx_adjust_ctl(&c, 0x30), 0x3f);             /* allowed bits kept */
    assert_int_equal(vmx_adjust_ctl(&c, 0xff000f00), 0x0f);       /* unsupported dropped */
    assert_int_equal(vmx_adjust_ctl(&c, 0xffffffff), 0x00ff00ff); /* everything allowed */
    assert_int_equal(vmx_adjust_ctl(&c, 0x00010000), 0x0001000f);
}

static void test_adjust_fixed_and_free(void **state)
{
    struct vmx_ctl all_free = {.must1 = 0, .may1 = 0xffffffff};
    struct vmx_ctl all_forced = {.must1 = 0xffffffff, .may1 = 0xffffffff};
    struct vmx_ctl none = {.must1 = 0, .may1 = 0};

    assert_int_equal(vmx_adjust_ctl(&all_free, 0), 0);
    assert_int_equal(vmx_adjust_ctl(&all_free, 0xdeadbeef), 0xdeadbeef);
    assert_int_equal(vmx_adjust_ctl(&all_forced, 0), 0xffffffff);
    assert_int_equal(vmx_adjust_ctl(&none, 0xffffffff), 0);
}

static void test_true_procbased(void **state)
{
    const uint32_t want =
        PROC_HLT_EXITING | PROC_UNCOND_IO_EXITING | PROC_USE_MSR_BITMAPS | PROC_SECONDARY;
    uint32_t v = adjust(SKX_TRUE_PROCBASED, want);

    /* want 0x91000080 | forced 0x04006172, all allowed */
    assert_int_equal(v, 0x950061f2);
    assert_int_equal(v & want, want);
    /* TRUE controls let CR3 load/store exiting be 0. */
    assert_int_equal(v & (PROC_CR3_LOAD_EXITING | PROC_CR3_STORE_EXITING), 0);
    /* Bit 0 is reserved 0. */
    assert_int_equal(adjust(SKX_TRUE_PROCBASED, 1), 0x04006172);
    /* Nothing wanted: just the default-1 bits. */
    assert_int_equal(adjust(SKX_TRUE_PROCBASED, 0), 0x04006172);
}

static void test_legacy_procbased_forces_cr3_exiting(void **state)
{
    const uint32_t want =
        PROC_HLT_EXITING | PROC_UNCOND_IO_EXITING | PROC_USE_MSR_BITMAPS | PROC_SECONDARY;
    uint32_t v = adjust(SKX_PROCBASED, want);

    assert_int_equal(v, 0x9501e1f2);
    assert_int_equal(v & (PROC_CR3_LOAD_EXITING | PROC_CR3_STORE_EXITING),
                     PROC_CR3_LOAD_EXITING | PROC_CR3_STORE_EXITING);
}

static void test_mtf_depends_on_model(void **state)
{
    assert_int_equal(adjust(SKX_TRUE_PROCBASED, PROC_MTF) & PROC_MTF, 0);
    assert_int_equal(adjust(TGL_TRUE_PROCBASED, PROC_MTF) & PROC_MTF, PROC_MTF);
    assert_int_equal(adjust(TGL_PROCBASED, PROC_MTF), 0x0c01e172);
    assert_int_equal(adjust(SKX_TRUE_PROCBASED, 0xffffffff), 0xf7f9fffe);
    assert_int_equal(adjust(TGL_TRUE_PROCBASED, 0xffffffff), 0xfff9fffe);
}

static void test_true_pinbased(void **state)
{
    /* Bits 1, 2 and 4 are forced. */
    assert_int_equal(adjust(SKX_TRUE_PINBASED, 0), 0x16);
    assert_int_equal(adjust(SKX_TRUE_PINBASED, PIN_EXT_INT_EXITING | PIN_NMI_EXITING), 0x1f);
    assert_int_equal(adjust(SKX_TRUE_PINBASED, PIN_EXT_INT_EXITING | PIN_NMI_EXITING |
                                                   PIN_VIRTUAL_NMIS | PIN_PREEMPTION_TIMER),
                     0x7f);
    /* Posted interrupts are not offered. */
    assert_int_equal(adjust(SKX_TRUE_PINBASED, PIN_EXT_INT_EXITING | PIN_POSTED_INTR), 0x17);
    assert_int_equal(adjust(SKX_PINBASED, 0xffffffff), 0x7f);
}

/*
 * The backend's own exit controls: on both models every wanted control is
 * set, interrupts acknowledged on exit among them (the kick fast path
 * reads the vector from the exit, exit_fast.c), and on a CPU without that
 * control the VMCS still works: the host takes the interrupt itself.
 */
static void test_backend_exit_controls(void **state)
{
    struct vmx_ctl tgl = vmx_ctl_from_msr(TGL_EXIT), skx = vmx_ctl_from_msr(SKX_TRUE_EXIT);
    struct vmx_ctl no_ack = {.must1 = tgl.must1, .may1 = tgl.may1 & ~EXIT_ACK_INTR};
    const uint32_t want = EXIT_HOST_ADDR64 | EXIT_ACK_INTR | EXIT_SAVE_PAT | EXIT_LOAD_PAT |
                          EXIT_SAVE_EFER | EXIT_LOAD_EFER;

    assert_int_equal(vmx_exit_controls(&tgl) & want, want);
    assert_int_equal(vmx_exit_controls(&skx) & want, want);
    assert_int_equal(vmx_exit_controls(&tgl) & EXIT_LOAD_CET, 0); /* not wanted */
    assert_int_equal(vmx_exit_controls(&no_ack) & EXIT_ACK_INTR, 0);
}

static void test_true_exit(void **state)
{
    const uint32_t want = EXIT_HOST_ADDR64 | EXIT_ACK_INTR | EXIT_SAVE_PAT | EXIT_LOAD_PAT |
                          EXIT_SAVE_EFER | EXIT_LOAD_EFER;

    /* want 0x3c8200 | forced 0x36dfb */
    assert_int_equal(adjust(SKX_TRUE_EXIT, want), 0x3feffb);
    /* Save-debug-controls (bit 2) is only forced in the legacy MSR. */
    assert_int_equal(adjust(SKX_TRUE_EXIT, 0) & EXIT_SAVE_DEBUG, 0);
    assert_int_equal(adjust(SKX_EXIT, 0) & EXIT_SAVE_DEBUG, EXIT_SAVE_DEBUG);
    assert_int_equal(adjust(SKX_EXIT, want), 0x3fefff);
    assert_int_equal(adjust(SKX_TRUE_EXIT, EXIT_SAVE_DEBUG), 0x36dff);
    /* Load CET: tigerlake only. */
    assert_int_equal(adjust(SKX_TRUE_EXIT, EXIT_LOAD_CET), 0x36dfb);
    assert_int_equal(adjust(TGL_EXIT, EXIT_LOAD_CET), 0x10036dff);
}

static void test_true_entry(void **state)
{
    const uint32_t want = ENTRY_IA32E_GUEST | ENTRY_LOAD_PAT | ENTRY_LOAD_EFER;

    /* want 0xc200 | forced 0x11fb */
    assert_int_equal(adjust(SKX_TRUE_ENTRY, want), 0xd3fb);
    assert_int_equal(adjust(SKX_TRUE_ENTRY, 0), 0x11fb);
    assert_int_equal(adjust(SKX_TRUE_ENTRY, 0) & ENTRY_LOAD_DEBUG, 0);
    assert_int_equal(adjust(SKX_ENTRY, 0) & ENTRY_LOAD_DEBUG, ENTRY_LOAD_DEBUG);
    assert_int_equal(adjust(SKX_TRUE_ENTRY, want | ENTRY_LOAD_DEBUG), 0xd3ff);
    /* Bits 16 and up are not offered. */
    assert_int_equal(adjust(SKX_TRUE_ENTRY, 0xffff0000), 0x11fb);
}

static void test_procbased2(void **state)
{
    const uint32_t want =
        PROC2_EPT | PROC2_RDTSCP | PROC2_VPID | PROC2_UNRESTRICTED | PROC2_INVPCID | PROC2_XSAVES;

    /* No bit is forced in the secondary controls. */
    assert_int_equal(adjust(SKX_PROCBASED2, 0), 0);
    assert_int_equal(adjust(SKX_PROCBASED2, want), want);
    assert_int_equal(adjust(SKX_PROCBASED2, want | PROC2_MBEC), want);
    assert_int_equal(adjust(TGL_PROCBASED2, 0xffffffff), 0x02977fff);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ctl_from_msr_split),
        cmocka_unit_test(test_adjust_forced_and_unsupported),
        cmocka_unit_test(test_adjust_fixed_and_free),
        cmocka_unit_test(test_true_procbased),
        cmocka_unit_test(test_legacy_procbased_forces_cr3_exiting),
        cmocka_unit_test(test_mtf_depends_on_model),
        cmocka_unit_test(test_true_pinbased),
        cmocka_unit_test(test_true_exit),
        cmocka_unit_test(test_backend_exit_controls),
        cmocka_unit_test(test_true_entry),
        cmocka_unit_test(test_procbased2),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
