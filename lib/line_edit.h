/* SPDX-License-Identifier: MIT */
/*
 * Line editor for the serial console shell: a pure state machine fed one
 * byte at a time, writing its echo through a callback. Handles printable
 * characters, backspace (0x08 and 0x7f), Ctrl-U (kill line), Ctrl-C (cancel),
 * CR, LF and CRLF as one Enter, ESC [ A / ESC [ B (and ESC O A/B) for history
 * up/down, and drops every other control byte and escape sequence. Lines
 * longer than LINE_EDIT_MAX-1 are truncated (further input is ignored, BEL
 * echoed), so a pasted 4 KiB line cannot overflow anything.
 */
#ifndef LIB_LINE_EDIT_H
#define LIB_LINE_EDIT_H

#include "lib/compiler.h"

#define LINE_EDIT_MAX 512
#define LINE_EDIT_HISTORY 16

typedef void (*line_emit_fn)(const char *s, size_t n, void *ctx);

enum line_status {
    LINE_PENDING,   /* more input needed */
    LINE_DONE,      /* Enter: the line is in le->line (NUL-terminated) */
    LINE_CANCELLED, /* Ctrl-C: the line was discarded */
};

struct line_edit {
    char buf[LINE_EDIT_MAX];
    size_t len;
    char line[LINE_EDIT_MAX]; /* the completed line after LINE_DONE */
    char hist[LINE_EDIT_HISTORY][LINE_EDIT_MAX];
    unsigned hist_count; /* entries stored, <= LINE_EDIT_HISTORY */
    unsigned hist_head;  /* index where the next entry goes */
    int hist_pos;        /* -1 = editing a fresh line, else steps back */
    int esc_state;       /* escape-sequence parser state */
    bool last_was_cr;
    bool bell_sent; /* BEL already echoed for this overlong line */
    line_emit_fn emit;
    void *ctx;
};

void line_edit_init(struct line_edit *le, line_emit_fn emit, void *ctx);
enum line_status line_edit_feed(struct line_edit *le, char c);
/* Re-prints prompt and the half-typed line (after asynchronous output). */
void line_edit_redraw(struct line_edit *le, const char *prompt);

#endif
