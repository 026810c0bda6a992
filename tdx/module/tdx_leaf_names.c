/* SPDX-License-Identifier: MIT */
/* SEAMCALL leaf names as the ABI spells them (tdx-host-abi.md 2.2), for messages and tdx.fail=. */
#include "tdx/module/tdx_fault.h"
#include "tdx/module/tdx_abi.h"
#include "lib/string.h"

struct leaf_name {
    uint64_t leaf;
    const char *name;
};

#define LEAF_NAME(c, nr, spelled) {c, spelled},
static const struct leaf_name leaves[] = {TDX_LEAVES(LEAF_NAME)};

const char *tdx_leaf_name(uint64_t leaf)
{
    for (unsigned i = 0; i < ARRAY_SIZE(leaves); i++)
        if (leaves[i].leaf == leaf)
            return leaves[i].name;
    return NULL;
}

bool tdx_leaf_by_name(const char *name, size_t len, uint64_t *leaf)
{
    for (unsigned i = 0; i < ARRAY_SIZE(leaves); i++)
        if (strlen(leaves[i].name) == len && !strncmp(leaves[i].name, name, len)) {
            *leaf = leaves[i].leaf;
            return true;
        }
    return false;
}
