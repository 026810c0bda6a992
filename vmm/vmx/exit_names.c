/* SPDX-License-Identifier: MIT */
/* Exit reason names for messages (SDM Vol. 3D appendix C). */
#include "vmm/vmx/vmx_vcpu.h"
#include "vmm/vmx/vmx_hw.h"

#define EXIT_NAME(c, nr, name) [c] = name,
static const char *const names[EXIT_REASON_MAX] = {VMX_EXIT_REASONS(EXIT_NAME)};

const char *vmx_exit_reason_name(uint32_t reason)
{
    uint32_t basic = reason & 0xffff;

    return basic < EXIT_REASON_MAX && names[basic] ? names[basic] : "unknown";
}
