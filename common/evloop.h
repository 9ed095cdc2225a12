/* SPDX-License-Identifier: GPL-3.0-or-later */
/* evloop: the gateway's event loop — epoll for file descriptors, a binary heap for timers.
 * Per-event cost stays flat with the number of registered descriptors (tens of thousands of legs).
 * Rules: a callback may add or delete any registration, including its own; a deleted registration
 * receives no further events, even later in the same epoll batch. A timer is consumed when it fires. */
#ifndef MEDIASEC_EVLOOP_H
#define MEDIASEC_EVLOOP_H

#include <stdint.h>
#include <sys/epoll.h>

struct ev_loop;
struct ev_io;
struct ev_timer;

typedef void ev_io_cb(struct ev_loop *loop, struct ev_io *io, uint32_t events, void *arg);
typedef void ev_timer_cb(struct ev_loop *loop, void *arg);

struct ev_loop *ev_loop_new(void);
void ev_loop_free(struct ev_loop *loop);

/* Runs until ev_loop_stop(); returns 0, or -errno when epoll fails. */
int ev_loop_run(struct ev_loop *loop);
void ev_loop_stop(struct ev_loop *loop);
/* The loop as a GLib source (the controller runs in GLib's main loop): attach it, and its descriptors
 * and timers are served there; ev_loop_run is not used then. */
typedef struct _GSource GSource;
GSource *ev_loop_gsource(struct ev_loop *loop);

/* Raises the soft limit on descriptors (RLIMIT_NOFILE) to the hard limit, so that the loop may serve
 * as many as the system lets the process have; logs (info) the limit in force and returns it. */
unsigned long ev_fd_limit_raise(void);

/* Milliseconds on the monotonic clock, as of the current loop iteration. */
uint64_t ev_now(struct ev_loop *loop);

/* events: EPOLLIN / EPOLLOUT (EPOLLERR and EPOLLHUP are always reported). NULL and errno on failure. */
struct ev_io *ev_io_add(struct ev_loop *loop, int fd, uint32_t events, ev_io_cb *cb, void *arg);
int ev_io_mod(struct ev_loop *loop, struct ev_io *io, uint32_t events);
/* Unregisters (does not close the fd). */
void ev_io_del(struct ev_loop *loop, struct ev_io *io);
int ev_io_fd(const struct ev_io *io);

struct ev_timer *ev_timer_add(struct ev_loop *loop, uint64_t delay_ms, ev_timer_cb *cb, void *arg);
/* Cancels a timer that has not fired yet; a NULL timer is ignored. */
void ev_timer_cancel(struct ev_loop *loop, struct ev_timer *t);

#endif
