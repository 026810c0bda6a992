/* SPDX-License-Identifier: MIT */
/* Names for TDX completion statuses (tdx-host-abi.md 2.3), for one-line messages. */
#include "tdx/module/tdx.h"
#include "tdx/module/tdx_abi.h"
#include "tdx/module/tdx_fault.h"
#include "lib/string.h"

struct status_name {
    uint64_t code;
    const char *name;
};

#define STATUS_NAME(c, v) {c, #c},
static const struct status_name names[] = {
    TDX_STATUSES(STATUS_NAME){TDX_SEAMCALL_VMFAILINVALID & TDX_STATUS_MASK,
                              "VMfailInvalid (no TDX module loaded)"},
};

const char *tdx_status_name(uint64_t status)
{
    if (status == TDX_SEAMCALL_UD)
        return "#UD (CPU not in VMX operation)";
    if (status == TDX_SEAMCALL_GP)
        return "#GP (TDX not enabled by the BIOS)";
    for (unsigned i = 0; i < ARRAY_SIZE(names); i++)
        if ((status & TDX_STATUS_MASK) == names[i].code)
            return names[i].name;
    return "unknown status";
}

bool tdx_status_by_name(const char *name, uint64_t *status)
{
    for (unsigned i = 0; i < ARRAY_SIZE(names); i++)
        if (!strcmp(name, names[i].name)) {
            *status = names[i].code;
            return true;
        }
    return false;
}
