/* SPDX-License-Identifier: MIT */
/*
 * A VM's console: what the guest writes (UART or hypercall) is kept in its
 * history ring and shown as "[name] line" lines, or raw while the user is
 * attached to it; what the user types goes to the VM's console device.
 */
#include "vmm/vm.h"
#include "vmm/sched.h"
#include "kernel/console.h"
#include "lib/printf.h"
#include "lib/string.h"

static struct vm *attached;

static void console_flush(struct vm *vm)
{
    char out[VM_NAME_MAX + sizeof(vm->line) + 4];
    int n = ksnprintf(out, sizeof(out), "[%s] %.*s\n", vm->name, (int)vm->line_len, vm->line);

    console_write_async(out, MIN((size_t)n, sizeof(out) - 1));
    vm->line_len = 0;
}

static void line_put(struct vm *vm, char c)
{
    if (c == '\r')
        return;
    if (c == '\n') {
        console_flush(vm);
        return;
    }
    if (vm->line_len == sizeof(vm->line) - 1)
        console_flush(vm); /* an endless line goes out in pieces */
    /* A guest must not drive the user's terminal: no escape sequences. */
    vm->line[vm->line_len++] = ((unsigned char)c >= 0x20 && c != 0x7f) || c == '\t' ? c : '?';
}

void vm_console_put_locked(struct vm *vm, char c)
{
    ring_put(&vm->history, &c, 1);
    if (READ_ONCE(attached) == vm)
        console_write(&c, 1); /* the user asked for this guest's raw console */
    else
        line_put(vm, c);
}

bool vm_console_attach_at(struct vm *vm, uint64_t pos)
{
    uint64_t f = spin_lock_irqsave(&vm->lock);
    bool caught_up = pos >= vm->history.total;

    if (caught_up)
        WRITE_ONCE(attached, vm);
    spin_unlock_irqrestore(&vm->lock, f);
    return caught_up;
}

void vm_console_detach(void)
{
    WRITE_ONCE(attached, NULL);
}

struct vm *vm_console_attached(void)
{
    return READ_ONCE(attached);
}

bool vm_console_input(struct vm *vm, char c)
{
    uint64_t f = spin_lock_irqsave(&vm->lock);
    bool ok = vm->console_input && vm->console_input(vm, (uint8_t)c);

    spin_unlock_irqrestore(&vm->lock, f);
    if (ok)
        sched_kick(&vm->vcpus[0]); /* a guest waiting in HLT for input wakes up */
    return ok;
}

size_t vm_console_history(struct vm *vm, uint64_t *pos, char *dst, size_t len)
{
    uint64_t f = spin_lock_irqsave(&vm->lock);
    uint64_t oldest = vm->history.total - ring_used(&vm->history);
    size_t n;

    if (*pos < oldest)
        *pos = oldest;
    n = ring_read(&vm->history, (size_t)(*pos - oldest), dst, len);
    *pos += n;
    spin_unlock_irqrestore(&vm->lock, f);
    return n;
}
