/* SPDX-License-Identifier: MIT */
/*
 * Serial-console line editor. Everything arrives one byte at a time from the
 * UART, so escape sequences are parsed with a small state machine instead of
 * reading ahead; a byte that cannot belong to a sequence aborts it and is then
 * handled normally, so a stray ESC never swallows an Enter.
 */
#include "lib/line_edit.h"
#include "lib/compiler.h"
#include "lib/string.h"

enum esc_state {
    ESC_NONE,
    ESC_START,     /* saw ESC */
    ESC_CSI,       /* saw ESC [ with no parameters yet */
    ESC_CSI_PARAM, /* saw ESC [ and parameter/intermediate bytes */
    ESC_SS3,       /* saw ESC O */
};

#define CTRL(c) ((c)&0x1f)

static const char erase_seq[] = "\b \b";

static void le_emit(struct line_edit *le, const char *s, size_t n)
{
    if (n && le->emit)
        le->emit(s, n, le->ctx);
}

static void le_puts(struct line_edit *le, const char *s)
{
    if (s)
        le_emit(le, s, strlen(s));
}

void line_edit_init(struct line_edit *le, line_emit_fn emit, void *ctx)
{
    memset(le, 0, sizeof(*le));
    le->emit = emit;
    le->ctx = ctx;
    le->hist_pos = -1;
    le->esc_state = ESC_NONE;
}

static void reset_line(struct line_edit *le)
{
    le->len = 0;
    le->buf[0] = 0;
    le->hist_pos = -1;
    le->bell_sent = false;
}

static void erase_chars(struct line_edit *le, size_t n)
{
    n = MIN(n, le->len);
    for (size_t i = 0; i < n; i++)
        le_emit(le, erase_seq, sizeof(erase_seq) - 1);
    le->len -= n;
    le->buf[le->len] = 0;
    /* Room was made, so a later overflow deserves a fresh BEL. */
    le->bell_sent = false;
}

static void insert_char(struct line_edit *le, char c)
{
    if (le->len >= LINE_EDIT_MAX - 1) {
        /* One BEL per overflow, not one per byte of a large paste. */
        if (!le->bell_sent)
            le_emit(le, "\a", 1);
        le->bell_sent = true;
        return;
    }
    le->buf[le->len++] = c;
    le->buf[le->len] = 0;
    le_emit(le, &c, 1);
}

static void replace_line(struct line_edit *le, const char *s)
{
    size_t n = strnlen(s, LINE_EDIT_MAX - 1);

    erase_chars(le, le->len);
    memcpy(le->buf, s, n);
    le->buf[n] = 0;
    le->len = n;
    le_emit(le, s, n);
}

/* k = 0 is the most recent entry; the ring is filled backwards from head. */
static const char *hist_entry(const struct line_edit *le, unsigned k)
{
    unsigned idx = (le->hist_head + LINE_EDIT_HISTORY - 1 - k) % LINE_EDIT_HISTORY;

    return le->hist[idx];
}

static void history_add(struct line_edit *le)
{
    if (!le->len)
        return;
    /* Re-running the same command should not push older ones out. */
    if (le->hist_count && !strcmp(hist_entry(le, 0), le->buf))
        return;
    memcpy(le->hist[le->hist_head], le->buf, le->len + 1);
    le->hist_head = (le->hist_head + 1) % LINE_EDIT_HISTORY;
    if (le->hist_count < LINE_EDIT_HISTORY)
        le->hist_count++;
}

static void history_up(struct line_edit *le)
{
    if ((unsigned)(le->hist_pos + 1) >= le->hist_count)
        return;
    le->hist_pos++;
    replace_line(le, hist_entry(le, (unsigned)le->hist_pos));
}

static void history_down(struct line_edit *le)
{
    if (le->hist_pos < 0)
        return;
    le->hist_pos--;
    if (le->hist_pos < 0)
        replace_line(le, "");
    else
        replace_line(le, hist_entry(le, (unsigned)le->hist_pos));
}

static void escape_final(struct line_edit *le, unsigned char c)
{
    le->esc_state = ESC_NONE;
    if (c == 'A')
        history_up(le);
    else if (c == 'B')
        history_down(le);
}

static bool csi_byte(struct line_edit *le, unsigned char c)
{
    if (c >= 0x20 && c <= 0x3f) {
        le->esc_state = ESC_CSI_PARAM;
        return true;
    }
    if (c < 0x40 || c > 0x7e) {
        le->esc_state = ESC_NONE;
        return false;
    }
    /* Modified arrows (ESC [ 1 ; 5 A) are not history keys: drop them. */
    if (le->esc_state == ESC_CSI)
        escape_final(le, c);
    le->esc_state = ESC_NONE;
    return true;
}

/* Returns false if c ended the sequence without belonging to it. */
static bool escape_byte(struct line_edit *le, unsigned char c)
{
    if (le->esc_state == ESC_CSI || le->esc_state == ESC_CSI_PARAM)
        return csi_byte(le, c);
    if (c < 0x20 || c > 0x7e) {
        le->esc_state = ESC_NONE;
        return false;
    }
    if (le->esc_state == ESC_SS3) {
        escape_final(le, c);
    } else if (c == '[') {
        le->esc_state = ESC_CSI;
    } else if (c == 'O') {
        le->esc_state = ESC_SS3;
    } else {
        /*
         * ESC + key: no sequence starts so, and no Alt binding exists. The
         * ESC is the stray one (a lone Esc press, a terminal's leftover),
         * and the key is typed text, which is never dropped: an ESC left
         * before the prompt must not eat the first letter of "help".
         */
        le->esc_state = ESC_NONE;
        return false;
    }
    return true;
}

static enum line_status finish_line(struct line_edit *le)
{
    le_emit(le, "\r\n", 2);
    memcpy(le->line, le->buf, le->len + 1);
    history_add(le);
    reset_line(le);
    return LINE_DONE;
}

static enum line_status cancel_line(struct line_edit *le)
{
    le_emit(le, "^C\r\n", 4);
    le->line[0] = 0;
    reset_line(le);
    return LINE_CANCELLED;
}

static enum line_status control_byte(struct line_edit *le, unsigned char c)
{
    switch (c) {
    case '\r':
        le->last_was_cr = true;
        return finish_line(le);
    case '\n':
        return finish_line(le);
    case CTRL('C'):
        return cancel_line(le);
    case CTRL('U'):
        erase_chars(le, le->len);
        break;
    case '\b':
    case 0x7f:
        erase_chars(le, 1);
        break;
    case 0x1b:
        le->esc_state = ESC_START;
        break;
    default:
        break;
    }
    return LINE_PENDING;
}

enum line_status line_edit_feed(struct line_edit *le, char ch)
{
    unsigned char c = (unsigned char)ch;
    bool after_cr = le->last_was_cr;

    if (le->esc_state != ESC_NONE && escape_byte(le, c))
        return LINE_PENDING;
    le->last_was_cr = false;
    /* Terminals send CRLF for one Enter; the LF must not submit an empty line. */
    if (after_cr && c == '\n')
        return LINE_PENDING;
    if (c >= 0x20 && c <= 0x7e) {
        insert_char(le, (char)c);
        return LINE_PENDING;
    }
    return control_byte(le, c);
}

void line_edit_redraw(struct line_edit *le, const char *prompt)
{
    le_emit(le, "\r", 1);
    le_puts(le, prompt);
    le_emit(le, le->buf, le->len);
}
