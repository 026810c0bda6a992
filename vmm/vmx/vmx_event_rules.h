/* SPDX-License-Identifier: MIT */
/*
 * The architectural rules hv follows when it delivers an event to a guest
 * itself (docs/guest-abi.md, "Events"): pure functions over register
 * values, used by vmm/vmx/exit.c and vmx_events.c and unit-tested on the
 * host (tests/unit/test_vmx_events.c).
 */
#ifndef VMM_VMX_VMX_EVENT_RULES_H
#define VMM_VMX_VMX_EVENT_RULES_H

#include "lib/compiler.h"
#include "vmm/vmx/vmx_hw.h"

/*
 * True for the exceptions of the fault class (SDM Vol. 3A 6.5, table 6-1),
 * whose delivery pushes RFLAGS with RF = 1 (SDM 17.3.1.1: "the processor
 * sets RF in the EFLAGS image pushed for any fault other than an
 * instruction breakpoint"), so that the IRET back to the faulting
 * instruction is not stopped again by an instruction breakpoint on it. VM
 * entry pushes the RFLAGS of the guest-state area as it is (SDM 27.6.1.2),
 * so the injector sets RF itself, as KVM's exception queueing does. #DB
 * (hv only injects its trap form), #BP and #OF are traps, NMI an interrupt,
 * #DF and #MC aborts: no RF.
 */
static inline bool vmx_exc_is_fault(unsigned vector)
{
    switch (vector) {
    case EXC_DB:
    case EXC_NMI:
    case EXC_BP:
    case EXC_OF:
    case EXC_DF:
    case EXC_MC:
        return false;
    default:
        return vector < 32;
    }
}

/*
 * May VM entry inject an NMI with this guest interruptibility state? Not
 * under MOV SS blocking (a VM-entry check, SDM 27.3.1.5), not under STI
 * blocking (model specific whether STI blocks NMIs: never risk it), and not
 * while the guest is still handling its last NMI (blocking by NMI: SDM
 * 6.7.1, only an IRET ends it; with virtual NMIs also a VM-entry check).
 */
static inline bool vmx_nmi_injectable(uint32_t interruptibility)
{
    return !(interruptibility &
             (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS | INTERRUPTIBILITY_NMI));
}

/*
 * The trap-class debug exceptions due once an instruction that hv
 * emulated has completed (KVM: kvm_skip_emulated_instruction and
 * kvm_vcpu_do_singlestep): those the CPU held in the pending debug
 * exceptions field (a data breakpoint or single step of a MOV SS / POP SS
 * whose delivery waits for the end of the next instruction, SDM 6.8.3),
 * and single step of the emulated instruction itself when RFLAGS.TF was 1
 * as it started (SDM 17.3.1.4; not with DEBUGCTL.BTF, which makes TF
 * step branches only, and the emulated instructions are no branches).
 * DR6 bits (B0-B3, BS); 0 for none.
 */
static inline uint64_t vmx_db_after_insn(uint64_t pending_dbg, uint64_t rflags, uint64_t debugctl)
{
    uint64_t bits = pending_dbg & (PENDING_DBG_B0_3 | PENDING_DBG_BS);

    if ((rflags & RFLAGS_TF) && !(debugctl & DEBUGCTL_BTF))
        bits |= DR6_BS;
    return bits;
}

/*
 * DR6 as a #DB with these condition bits leaves it (SDM 18.2.3): B0-B3
 * report the current exception only, the other status bits are sticky, the
 * reserved bits read 1 (KVM: kvm_deliver_exception_payload).
 */
static inline uint64_t vmx_dr6_for_db(uint64_t dr6, uint64_t bits)
{
    return ((dr6 & ~DR6_B0_3) | DR6_RESET | bits) & 0xffffffffULL;
}

#endif
