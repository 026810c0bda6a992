/* SPDX-License-Identifier: MIT */
/* The shell's `tdx` command: module state, version, limits and KeyIDs. */
#include "tdx/module/tdx.h"
#include "tdx/module/tdx_shell.h"
#include "tdx/module/tdx_sys.h"
#include "tdx/emu/vmx/tdx_emu_glue.h"
#include "kernel/shell.h"

static const char *state_name(enum tdx_state s)
{
    return s == TDX_READY ? "ready" : s == TDX_FAILED ? "failed" : "unavailable";
}

static void print_info(const struct tdx_status *st)
{
    const struct tdx_sysinfo *in = &st->info;

    shell_printf("module %u.%u.%u%s, features0 %#lx\n", in->major, in->minor, in->update,
                 st->emulated ? " (emulated: tdx=emulate)" : "", in->features0);
    shell_printf("memory: %u TDMRs (max %u), %lu KiB PAMT, %u CMRs\n", st->ntdmrs, in->max_tdmrs,
                 st->pamt_bytes >> 10, in->num_cmrs);
    shell_printf("KeyIDs: global %u, TD KeyIDs %u-%u, %u in use\n", st->global_keyid,
                 st->first_keyid + 1, st->first_keyid + st->nkeyids - 1, st->keyids_in_use);
    shell_printf("limits: %u vCPUs per TD, TDR %u B, TDCS %u B, TDVPS %u B, %u CPUID leaves "
                 "configurable\n",
                 in->max_vcpus_per_td, in->tdr_size, in->tdcs_size, in->tdvps_size,
                 in->num_cpuid_config);
    shell_printf("SEAMCALLs: %lu, %lu of them retries after a busy or entropy status\n", tdx_calls,
                 tdx_retries);
    if (st->emulated)
        shell_printf("emulated module: %lu TD private pages out of the hypervisor's direct map\n",
                     tdxemu_private_pages());
}

static int cmd_tdx(int argc, char **argv)
{
    const struct tdx_status *st = tdx_get_status();

    if (argc != 1) {
        shell_printf("usage: tdx\n");
        return -1;
    }
    shell_printf("tdx: %s%s%s\n", state_name(st->state), st->state == TDX_READY ? "" : ": ",
                 st->state == TDX_READY ? "" : st->reason);
    if (st->state == TDX_READY)
        print_info(st);
    else if (st->free_before_init) /* module init ran and was rolled back */
        shell_printf("rollback: %lu KiB PAMT given back; free pages %lu before init, %lu after\n",
                     st->pamt_bytes >> 10, st->free_before_init, st->free_after_rollback);
    return 0;
}

static const struct shell_cmd tdx_commands[] = {
    {"tdx", "", "TDX module state, version, limits and KeyIDs in use", NULL, cmd_tdx},
    {NULL, NULL, NULL, NULL, NULL},
};

void tdx_shell_init(void)
{
    shell_register(tdx_commands);
}
