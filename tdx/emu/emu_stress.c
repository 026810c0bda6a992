/* SPDX-License-Identifier: MIT */
/*
 * Stress mode (platform stress_permille != 0): the statuses the real module
 * returns when it loses a race with another LP or with the hardware, drawn
 * from a deterministic PRNG seeded by the platform's stress_seed. Each hook
 * sits where the module takes a lock or asks RDRAND/PCONFIG for entropy
 * (a "lock point"), after the checks that come first there and before any
 * state change, so a failed call changes nothing (as in the module) and a
 * retry is always correct. A call loses at one of its lock points with
 * probability stress_permille / 1000, the point picked uniformly among the
 * leaf's (tdx_emu.c leaf table), so a host retrying n times fails with
 * probability (stress_permille / 1000)^(n + 1) at most. Independently, each
 * CACHE.WB sub-block and each TD entry meets an event with that probability.
 *  - TDX_OPERAND_BUSY | operand: a lock held elsewhere. Explicit page
 *    operands name their register (helpers.c check_and_lock_explicit_*:
 *    api_error_with_operand_id(errc, operand_id)); implicit locks name
 *    the object: TDR (lock_and_map_implicit_tdr), OP_STATE
 *    (check_state_map_tdcs_and_lock), SEPT_TREE (lock_sept_check_and_walk_*),
 *    KOT, KET (program_mktme_keys: PCONFIG busy), WBCACHE, TD_EPOCH.
 *  - TDX_SYS_BUSY: the global lock (SYS.INIT, LP.INIT, SYS.CONFIG,
 *    SYS.KEY.CONFIG).
 *  - TDX_RND_NO_ENTROPY: RDRAND/RDSEED (SYS.INIT stack canary, MNG.CREATE
 *    TD_UUID).
 *  - TDX_KEY_GENERATION_FAILED: PCONFIG entropy error (SYS.KEY.CONFIG,
 *    MNG.KEY.CONFIG via program_mktme_keys).
 *  - TDX_INTERRUPTED_RESUMABLE: CACHE.WB saw a pending interrupt between two
 *    cache sub-blocks (emu_sys.c).
 *  - an asynchronous TD exit (TDX_SUCCESS | reason) at TD entry, before the
 *    guest runs (tdx_td_dispatcher.c async_tdexit_to_vmm(TDX_SUCCESS, ...)).
 * The module never returns TDX_OPERAND_BUSY_HOST_PRIORITY to a SEAMCALL (host
 * side host-priority locks return TDX_OPERAND_BUSY, tdx_locks.h; only TDCALL
 * leaves see it), so neither does this mode.
 */
#include "tdx/emu/emu_internal.h"

#define PERMILLE 1000
#define RNG_DEFAULT 0x9E3779B97F4A7C15ULL /* xorshift64 needs a non-zero state */

/* Async TD exit reasons the module reports with TDX_SUCCESS (tdx_td_dispatcher.c). */
#define EXIT_INIT 3
#define EXIT_OTHER_SMI 6 /* qualification bit 0 (MSMI) clear: not a machine-check SMI */
#define EXIT_C_STATE_SMI 42
#define EXIT_BUS_LOCK 74
#define EXIT_NOTIFICATION 75 /* qualification bit 0 (VM context invalid) clear */

void tdxemu_stress_seed(uint64_t seed)
{
    tdxemu.rng = seed ? seed : RNG_DEFAULT;
    tdxemu.stress_victim = -1;
}

static uint64_t next(void)
{
    uint64_t x = tdxemu.rng;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    tdxemu.rng = x;
    return x;
}

/* One draw: does the event happen this time? */
bool tdxemu_stress_hit(void)
{
    unsigned p = tdxemu.plat.stress_permille;

    return p && next() % PERMILLE < p;
}

/* Before a leaf runs: will it lose, and at which of its lock points? */
void tdxemu_stress_arm(unsigned points)
{
    tdxemu.stress_point = 0;
    tdxemu.stress_victim = points && tdxemu_stress_hit() ? (int)(next() % points) : -1;
}

/* At a lock point: is this the one the call loses at? */
bool tdxemu_stress_lose(void)
{
    if (tdxemu.stress_victim < 0 || tdxemu.stress_point++ != tdxemu.stress_victim)
        return false;
    tdxemu.stress_victim = -1;
    return true;
}

/* status when the race is lost here, else TDX_SUCCESS */
uint64_t tdxemu_stress(uint64_t status)
{
    return tdxemu_stress_lose() ? status : TDX_SUCCESS;
}

uint64_t tdxemu_stress_busy(uint64_t operand)
{
    return tdxemu_stress(tdxemu_err(TDX_OPERAND_BUSY, operand));
}

/* PCONFIG of a key: the key tables busy, or no entropy for the key. */
uint64_t tdxemu_stress_pconfig(void)
{
    if (!tdxemu_stress_lose())
        return TDX_SUCCESS;
    return next() & 1 ? tdxemu_err(TDX_OPERAND_BUSY, TDX_OPERAND_ID_KET)
                      : TDX_KEY_GENERATION_FAILED;
}

/* An event at VM entry that exits before the guest runs; fills *x. */
bool tdxemu_stress_async_exit(struct tdxemu_exit *x)
{
    static const uint32_t reasons[] = {EXIT_INIT, EXIT_OTHER_SMI, EXIT_C_STATE_SMI, EXIT_BUS_LOCK,
                                       EXIT_NOTIFICATION};

    if (!tdxemu_stress_hit())
        return false;
    *x = (struct tdxemu_exit){.reason = reasons[next() % ARRAY_SIZE(reasons)]};
    return true;
}
