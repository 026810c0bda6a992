/*
 * The tdx backend's vm_ops until the TDX issue lands: it exists so common
 * code can name it, and refuses to create anything with a clear reason.
 */
#include "vmm/vm_ops.h"
#include "kernel/errno.h"

static int tdx_available(const char **why)
{
    *why = "the tdx backend is not implemented yet";
    return -ENODEV;
}

const struct vm_ops tdx_vm_ops = {
    .name = "tdx",
    .available = tdx_available,
};
