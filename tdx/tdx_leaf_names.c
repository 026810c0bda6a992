/* SEAMCALL leaf names as the ABI spells them (tdx-host-abi.md 2.2), for messages and tdx.fail=. */
#include "tdx/tdx_fault.h"
#include "tdx/tdx_abi.h"
#include "kernel/string.h"

struct leaf_name {
    uint64_t leaf;
    const char *name;
};

static const struct leaf_name leaves[] = {
    {TDH_VP_ENTER, "TDH.VP.ENTER"},
    {TDH_MNG_ADDCX, "TDH.MNG.ADDCX"},
    {TDH_MEM_PAGE_ADD, "TDH.MEM.PAGE.ADD"},
    {TDH_MEM_SEPT_ADD, "TDH.MEM.SEPT.ADD"},
    {TDH_VP_ADDCX, "TDH.VP.ADDCX"},
    {TDH_MEM_PAGE_AUG, "TDH.MEM.PAGE.AUG"},
    {TDH_MEM_RANGE_BLOCK, "TDH.MEM.RANGE.BLOCK"},
    {TDH_MNG_KEY_CONFIG, "TDH.MNG.KEY.CONFIG"},
    {TDH_MNG_CREATE, "TDH.MNG.CREATE"},
    {TDH_VP_CREATE, "TDH.VP.CREATE"},
    {TDH_MNG_RD, "TDH.MNG.RD"},
    {TDH_MR_EXTEND, "TDH.MR.EXTEND"},
    {TDH_MR_FINALIZE, "TDH.MR.FINALIZE"},
    {TDH_VP_FLUSH, "TDH.VP.FLUSH"},
    {TDH_MNG_VPFLUSHDONE, "TDH.MNG.VPFLUSHDONE"},
    {TDH_MNG_KEY_FREEID, "TDH.MNG.KEY.FREEID"},
    {TDH_MNG_INIT, "TDH.MNG.INIT"},
    {TDH_VP_INIT, "TDH.VP.INIT"},
    {TDH_PHYMEM_PAGE_RDMD, "TDH.PHYMEM.PAGE.RDMD"},
    {TDH_VP_RD, "TDH.VP.RD"},
    {TDH_PHYMEM_PAGE_RECLAIM, "TDH.PHYMEM.PAGE.RECLAIM"},
    {TDH_MEM_PAGE_REMOVE, "TDH.MEM.PAGE.REMOVE"},
    {TDH_MEM_SEPT_REMOVE, "TDH.MEM.SEPT.REMOVE"},
    {TDH_SYS_KEY_CONFIG, "TDH.SYS.KEY.CONFIG"},
    {TDH_SYS_INIT, "TDH.SYS.INIT"},
    {TDH_SYS_RD, "TDH.SYS.RD"},
    {TDH_SYS_LP_INIT, "TDH.SYS.LP.INIT"},
    {TDH_SYS_TDMR_INIT, "TDH.SYS.TDMR.INIT"},
    {TDH_MEM_TRACK, "TDH.MEM.TRACK"},
    {TDH_PHYMEM_CACHE_WB, "TDH.PHYMEM.CACHE.WB"},
    {TDH_PHYMEM_PAGE_WBINVD, "TDH.PHYMEM.PAGE.WBINVD"},
    {TDH_VP_WR, "TDH.VP.WR"},
    {TDH_SYS_CONFIG, "TDH.SYS.CONFIG"},
    {TDH_SYS_SHUTDOWN, "TDH.SYS.SHUTDOWN"},
    {TDH_SYS_DISABLE, "TDH.SYS.DISABLE"},
};

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
