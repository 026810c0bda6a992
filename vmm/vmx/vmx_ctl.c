/* SPDX-License-Identifier: MIT */
/* VMX control adjustment (SDM Vol. 3D A.3): pure, unit-tested on the host. */
#include "vmm/vmx/vmx.h"

struct vmx_ctl vmx_ctl_from_msr(uint64_t msr)
{
    struct vmx_ctl c = {(uint32_t)msr, (uint32_t)(msr >> 32)};

    return c;
}

uint32_t vmx_adjust_ctl(const struct vmx_ctl *c, uint32_t want)
{
    return (want | c->must1) & c->may1;
}
