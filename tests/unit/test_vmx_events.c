/* SPDX-License-Identifier: MIT */
/* unit-srcs: */
/*
 * The event rules of vmm/vmx/vmx_event_rules.h: which injected exceptions
 * set RFLAGS.RF (SDM 17.3.1.1), when an NMI may be injected (SDM 6.7.1,
 * 27.3.1.5), the #DB due after an emulated instruction (SDM 6.8.3,
 * 17.3.1.4) and DR6 after it (SDM 18.2.3).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "vmm/vmx/vmx_event_rules.h"

static void faults_set_rf(void **state)
{
    static const unsigned faults[] = {0, 5, 6, 7, 10, 11, 12, 13, 14, 16, 17, 19, 20, 21};

    (void)state;
    for (unsigned i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
        assert_true(vmx_exc_is_fault(faults[i]));
}

static void traps_aborts_and_nmi_do_not(void **state)
{
    (void)state;
    assert_false(vmx_exc_is_fault(EXC_DB));
    assert_false(vmx_exc_is_fault(EXC_NMI));
    assert_false(vmx_exc_is_fault(EXC_BP));
    assert_false(vmx_exc_is_fault(EXC_OF));
    assert_false(vmx_exc_is_fault(EXC_DF));
    assert_false(vmx_exc_is_fault(EXC_MC));
    assert_false(vmx_exc_is_fault(32));
    assert_false(vmx_exc_is_fault(255));
}

static void nmi_blocked_by_shadow_and_nmi(void **state)
{
    (void)state;
    assert_true(vmx_nmi_injectable(0));
    assert_false(vmx_nmi_injectable(INTERRUPTIBILITY_STI));
    assert_false(vmx_nmi_injectable(INTERRUPTIBILITY_MOV_SS));
    assert_false(vmx_nmi_injectable(INTERRUPTIBILITY_NMI));
    assert_true(vmx_nmi_injectable(1U << 2)); /* blocking by SMI: not NMI's business */
}

static void single_step_after_emulated_insn(void **state)
{
    (void)state;
    assert_int_equal(vmx_db_after_insn(0, 0x202, 0), 0);
    assert_int_equal(vmx_db_after_insn(0, 0x302, 0), DR6_BS);
    /* BTF: TF steps branches only, and emulated instructions are none */
    assert_int_equal(vmx_db_after_insn(0, 0x302, DEBUGCTL_BTF), 0);
    /* a data breakpoint the MOV SS held, with and without TF */
    assert_int_equal(vmx_db_after_insn(1, 0x202, 0), 1);
    assert_int_equal(vmx_db_after_insn(PENDING_DBG_BS | 4, 0x302, 0), DR6_BS | 4);
    /* enabled-breakpoint and RTM bits of the field are no DR6 condition bits */
    assert_int_equal(vmx_db_after_insn((1ULL << 12) | (1ULL << 16), 0x202, 0), 0);
}

static void dr6_keeps_sticky_bits(void **state)
{
    (void)state;
    assert_int_equal(vmx_dr6_for_db(DR6_RESET, DR6_BS), DR6_RESET | DR6_BS);
    /* B0-B3 report this #DB only; BD and BS stay until software clears them */
    assert_int_equal(vmx_dr6_for_db(DR6_RESET | 3 | DR6_BD, 4), DR6_RESET | 4 | DR6_BD);
    assert_int_equal(vmx_dr6_for_db(0, 1), DR6_RESET | 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(faults_set_rf),
        cmocka_unit_test(traps_aborts_and_nmi_do_not),
        cmocka_unit_test(nmi_blocked_by_shadow_and_nmi),
        cmocka_unit_test(single_step_after_emulated_insn),
        cmocka_unit_test(dr6_keeps_sticky_bits),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
