// libedit for huzhuctl: the header, plus small wrappers for the variadic el_set() and history(), which
// Swift cannot call directly.
#ifndef HUZHU_CLIBEDIT_SHIM_H
#define HUZHU_CLIBEDIT_SHIM_H

#include <stdio.h>
#include <wchar.h>
#include <histedit.h>

static inline int huzhu_el_set_prompt(EditLine *el, char *(*prompt)(EditLine *)) {
    return el_set(el, EL_PROMPT, prompt);
}

static inline int huzhu_el_set_editor(EditLine *el, const char *mode) {
    return el_set(el, EL_EDITOR, mode);
}

static inline int huzhu_el_set_signal(EditLine *el, int handle) {
    return el_set(el, EL_SIGNAL, handle);
}

static inline int huzhu_el_set_history(EditLine *el, History *h) {
    return el_set(el, EL_HIST, history, h);
}

/// Replaces the function that reads one character (the line editor then waits in ours).
static inline int huzhu_el_set_getc(EditLine *el, el_rfunc_t getc) {
    return el_set(el, EL_GETCFN, getc);
}

/// Redraws the prompt and the line being edited from the cursor's current position (after async output).
static inline int huzhu_el_refresh(EditLine *el) {
    return el_set(el, EL_REFRESH);
}

/// Empties the line being edited (Ctrl-C).
static inline void huzhu_el_clear_line(EditLine *el) {
    const LineInfoW *info = el_wline(el);
    el_cursor(el, (int)(info->lastchar - info->cursor));
    info = el_wline(el);
    el_wdeletestr(el, (int)(info->cursor - info->buffer));
}

static inline int huzhu_history_set_size(History *h, HistEvent *event, int size) {
    return history(h, event, H_SETSIZE, size);
}

static inline int huzhu_history_set_unique(History *h, HistEvent *event, int unique) {
    return history(h, event, H_SETUNIQUE, unique);
}

static inline int huzhu_history_enter(History *h, HistEvent *event, const char *line) {
    return history(h, event, H_ENTER, line);
}

static inline int huzhu_history_load(History *h, HistEvent *event, const char *path) {
    return history(h, event, H_LOAD, path);
}

static inline int huzhu_history_save(History *h, HistEvent *event, const char *path) {
    return history(h, event, H_SAVE, path);
}

#endif
