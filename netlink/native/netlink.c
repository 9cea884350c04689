// Minimal AF_NETLINK socket transport for Node (N-API). It knows nothing of
// message formats: the TypeScript codec builds and parses every byte. The
// addon's other export, fileInNetns (sysctl files), is sysctl.c's.
#define _GNU_SOURCE
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <node_api.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <uv.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

#define WATCH_BUF_SIZE (1 << 20)

// A socket keeps the namespace it was created in for its whole life.
static int do_socket(void *arg) {
  int *protocol_then_fd = arg;
  *protocol_then_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, *protocol_then_fd);
  return *protocol_then_fd;
}

// open(protocol, groups: number[], nsPath: string|null, bufBytes, timeoutMs, nonblocking) -> fd
static napi_value Open(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t protocol = 0, buf_bytes = 0, timeout_ms = 0;
  bool nonblocking = false;
  get_int(env, argv[0], &protocol);
  get_int(env, argv[3], &buf_bytes);
  get_int(env, argv[4], &timeout_ms);
  napi_get_value_bool(env, argv[5], &nonblocking);

  char ns_path[4096];
  const char *ns = NULL;
  napi_valuetype t;
  napi_typeof(env, argv[2], &t);
  if (t == napi_string) {
    size_t len;
    napi_get_value_string_utf8(env, argv[2], ns_path, sizeof ns_path, &len);
    ns = ns_path;
  }

  int err = 0;
  int fd = protocol;
  if (in_netns(ns, do_socket, &fd, &err) < 0) return throw_errno(env, ns ? "setns/socket" : "socket", err);

  int one = 1;
  setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
  setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
  setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof one);
  if (buf_bytes > 0) {
    // The FORCE variants need CAP_NET_ADMIN; fall back to the capped ones.
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf_bytes, sizeof buf_bytes) < 0)
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf_bytes, sizeof buf_bytes);
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf_bytes, sizeof buf_bytes) < 0)
      setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf_bytes, sizeof buf_bytes);
  }
  if (timeout_ms > 0) {
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  struct sockaddr_nl addr = {.nl_family = AF_NETLINK};
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
    err = errno; close(fd);
    return throw_errno(env, "bind", err);
  }
  uint32_t ngroups = 0;
  napi_get_array_length(env, argv[1], &ngroups);
  for (uint32_t i = 0; i < ngroups; i++) {
    napi_value g;
    int32_t group;
    napi_get_element(env, argv[1], i, &g);
    get_int(env, g, &group);
    if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof group) < 0) {
      err = errno; close(fd);
      return throw_errno(env, "setsockopt(NETLINK_ADD_MEMBERSHIP)", err);
    }
  }
  if (nonblocking) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  napi_value result;
  napi_create_int32(env, fd, &result);
  return result;
}

// portId(fd) -> the nl_pid the kernel assigned at bind
static napi_value PortId(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd;
  get_int(env, argv[0], &fd);
  struct sockaddr_nl addr;
  socklen_t len = sizeof addr;
  if (getsockname(fd, (struct sockaddr *)&addr, &len) < 0) return throw_errno(env, "getsockname", errno);
  napi_value result;
  napi_create_uint32(env, addr.nl_pid, &result);
  return result;
}

// attachFilter(fd, program): a classic BPF socket filter, program = struct sock_filter[] (8 bytes each)
static napi_value AttachFilter(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd;
  get_int(env, argv[0], &fd);
  void *data;
  size_t len;
  if (napi_get_buffer_info(env, argv[1], &data, &len) != napi_ok) return throw_errno(env, "setsockopt(SO_ATTACH_FILTER)", EINVAL);
  size_t n = len / sizeof(struct sock_filter);
  if (n == 0 || n > BPF_MAXINSNS || len % sizeof(struct sock_filter)) return throw_errno(env, "setsockopt(SO_ATTACH_FILTER)", EINVAL);
  struct sock_fprog prog = {.len = (unsigned short)n, .filter = (struct sock_filter *)data};
  if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0) return throw_errno(env, "setsockopt(SO_ATTACH_FILTER)", errno);
  return NULL;
}

// send(fd, buffer, length) -> bytes sent
static napi_value Send(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd, length;
  void *data;
  size_t cap;
  get_int(env, argv[0], &fd);
  napi_get_buffer_info(env, argv[1], &data, &cap);
  get_int(env, argv[2], &length);
  if (length < 0 || (size_t)length > cap) return throw_errno(env, "send", EINVAL);
  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  ssize_t n;
  do {
    n = sendto(fd, data, (size_t)length, 0, (struct sockaddr *)&kernel, sizeof kernel);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return throw_errno(env, "sendto", errno);
  napi_value result;
  napi_create_int32(env, (int32_t)n, &result);
  return result;
}

// recv(fd, buffer, nonblocking) -> bytes received into buffer; blocking: waits up to the
// socket's timeout; nonblocking: -1 when nothing is queued
static napi_value Recv(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd;
  void *data;
  size_t cap;
  bool nonblocking = false;
  get_int(env, argv[0], &fd);
  napi_get_buffer_info(env, argv[1], &data, &cap);
  if (argc > 2) napi_get_value_bool(env, argv[2], &nonblocking);
  ssize_t n;
  do {
    n = recv(fd, data, cap, nonblocking ? MSG_DONTWAIT : 0);
  } while (n < 0 && errno == EINTR);
  if (n < 0 && nonblocking && (errno == EAGAIN || errno == EWOULDBLOCK)) n = -1;
  else if (n < 0) return throw_errno(env, "recv", errno);
  napi_value result;
  napi_create_int32(env, (int32_t)n, &result);
  return result;
}

// recvMany(fd, rx) -> bytes received into rx: the next datagram (waiting for it up to the socket's
// timeout) and every other one already queued, in one recvmmsg(2), back to back in rx (each is whole
// netlink messages, 4-byte aligned). A dump continues in each recvmsg, so the whole of a small dump,
// its NLMSG_DONE included, comes in one call where a recv per datagram takes three.
#define RECV_SLOTS 16
#define RECV_SLOT_BYTES (64 * 1024)  // a dump's datagrams are at most 32 KiB
static napi_value RecvMany(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd;
  void *rx;
  size_t rx_cap;
  get_int(env, argv[0], &fd);
  napi_get_buffer_info(env, argv[1], &rx, &rx_cap);
  if (rx_cap < RECV_SLOT_BYTES) return throw_errno(env, "recvmmsg", EINVAL);
  struct mmsghdr msgs[RECV_SLOTS];
  struct iovec iov[RECV_SLOTS];
  size_t slots = rx_cap / RECV_SLOT_BYTES;
  if (slots > RECV_SLOTS) slots = RECV_SLOTS;
  memset(msgs, 0, sizeof msgs);
  for (size_t i = 0; i < slots; i++) {
    iov[i].iov_base = (char *)rx + i * RECV_SLOT_BYTES;
    iov[i].iov_len = RECV_SLOT_BYTES;
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  int got;
  do {
    got = recvmmsg(fd, msgs, (unsigned)slots, MSG_WAITFORONE, NULL);
  } while (got < 0 && errno == EINTR);
  if (got < 0) return throw_errno(env, "recvmmsg", errno);
  size_t total = 0;
  for (int i = 0; i < got; i++) {
    if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) return throw_errno(env, "recvmmsg", EMSGSIZE);
    if (total != (size_t)i * RECV_SLOT_BYTES) memmove((char *)rx + total, (char *)rx + (size_t)i * RECV_SLOT_BYTES, msgs[i].msg_len);
    total += msgs[i].msg_len;
  }
  napi_value result;
  napi_create_int32(env, (int32_t)total, &result);
  return result;
}

static napi_value Close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd;
  get_int(env, argv[0], &fd);
  if (close(fd) < 0) return throw_errno(env, "close", errno);
  return NULL;
}

// ---- watch: readiness on the event loop, one JS callback per datagram ----

typedef struct {
  uv_poll_t poll;
  napi_env env;
  napi_ref callback;
  napi_async_context async;
  int fd;
  char *buf;
  bool stopped;
} watch_t;

static void call_js(watch_t *w, napi_value arg0, napi_value arg1) {
  napi_value cb, recv_this, argv[2] = {arg0, arg1}, ignored;
  napi_get_reference_value(w->env, w->callback, &cb);
  napi_get_global(w->env, &recv_this);  // napi_make_callback needs an object receiver (undefined: TypeError)
  if (napi_make_callback(w->env, w->async, recv_this, cb, 2, argv, &ignored) == napi_pending_exception) {
    // nobody above us can catch it: hand it to process 'uncaughtException' like any event-loop callback
    napi_value exception;
    napi_get_and_clear_last_exception(w->env, &exception);
    napi_fatal_exception(w->env, exception);
  }
}

static void on_readable(uv_poll_t *handle, int status, int events) {
  watch_t *w = (watch_t *)handle->data;
  if (w->stopped) return;
  napi_handle_scope scope;
  napi_open_handle_scope(w->env, &scope);
  napi_value null_value;
  napi_get_null(w->env, &null_value);
  for (;;) {
    ssize_t n = recv(w->fd, w->buf, WATCH_BUF_SIZE, MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n < 0) {
      // ENOBUFS: the kernel dropped notifications; tell JS and keep reading.
      int err = errno;
      napi_value message, error, errno_value;
      napi_create_string_utf8(w->env, strerror(err), NAPI_AUTO_LENGTH, &message);
      napi_create_error(w->env, NULL, message, &error);
      napi_create_int32(w->env, err, &errno_value);
      napi_set_named_property(w->env, error, "errno", errno_value);
      call_js(w, error, null_value);
      if (err != ENOBUFS) break;
      continue;
    }
    napi_value buffer;
    void *copy;
    napi_create_buffer_copy(w->env, (size_t)n, w->buf, &copy, &buffer);
    call_js(w, null_value, buffer);
    if (w->stopped) break;
  }
  napi_close_handle_scope(w->env, scope);
}

static void on_closed(uv_handle_t *handle) {
  watch_t *w = (watch_t *)handle->data;
  free(w->buf);
  free(w);
}

// watch(fd, callback(err, buffer)) -> handle (pass to unwatch)
static napi_value Watch(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd;
  get_int(env, argv[0], &fd);
  watch_t *w = calloc(1, sizeof *w);
  w->buf = malloc(WATCH_BUF_SIZE);
  w->env = env;
  w->fd = fd;
  napi_create_reference(env, argv[1], 1, &w->callback);
  napi_value name;
  napi_create_string_utf8(env, "netlink.watch", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, NULL, name, &w->async);
  uv_loop_t *loop;
  napi_get_uv_event_loop(env, &loop);
  int rc = uv_poll_init(loop, &w->poll, fd);
  if (rc != 0) {
    napi_delete_reference(env, w->callback);
    napi_async_destroy(env, w->async);
    free(w->buf); free(w);
    return throw_errno(env, "uv_poll_init", -rc);
  }
  w->poll.data = w;
  uv_poll_start(&w->poll, UV_READABLE, on_readable);
  napi_value handle;
  napi_create_external(env, w, NULL, NULL, &handle);
  return handle;
}

static napi_value Unwatch(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  watch_t *w;
  napi_get_value_external(env, argv[0], (void **)&w);
  if (!w || w->stopped) return NULL;
  w->stopped = true;
  uv_poll_stop(&w->poll);
  napi_delete_reference(env, w->callback);
  napi_async_destroy(env, w->async);
  uv_close((uv_handle_t *)&w->poll, on_closed);
  return NULL;
}

// ---- readiness, one shot: the request/reply session waits for its ack on the event loop ----

typedef struct {
  uv_poll_t poll;
  napi_env env;
  napi_ref callback;
  napi_async_context async;
  bool closed;
  bool repeat;
} ready_t;

static void on_ready(uv_poll_t *handle, int status, int events) {
  ready_t *r = (ready_t *)handle->data;
  // a repeating handle stays in the epoll set: stopping and starting it again costs an
  // epoll_ctl(2) DEL and ADD per call (a telemetry tick every 10 ms). An error stops it.
  if (!r->repeat || status < 0) uv_poll_stop(&r->poll);
  if (r->closed) return;
  napi_handle_scope scope;
  napi_open_handle_scope(r->env, &scope);
  napi_value cb, recv_this, ignored, argv[1];
  napi_get_reference_value(r->env, r->callback, &cb);
  napi_get_global(r->env, &recv_this);
  napi_create_int32(r->env, status, &argv[0]);
  if (napi_make_callback(r->env, r->async, recv_this, cb, 1, argv, &ignored) == napi_pending_exception) {
    napi_value exception;
    napi_get_and_clear_last_exception(r->env, &exception);
    napi_fatal_exception(r->env, exception);
  }
  napi_close_handle_scope(r->env, scope);
}

static void on_ready_closed(uv_handle_t *handle) { free(handle->data); }

// readiness(fd, callback(status)) -> handle: arm(handle) calls back once when fd is readable,
// arm(handle, true) every time it is (level-triggered) until disarm(handle) or an error
static napi_value Readiness(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd;
  get_int(env, argv[0], &fd);
  ready_t *r = calloc(1, sizeof *r);
  r->env = env;
  uv_loop_t *loop;
  napi_get_uv_event_loop(env, &loop);
  int rc = uv_poll_init(loop, &r->poll, fd);
  if (rc != 0) {
    free(r);
    return throw_errno(env, "uv_poll_init", -rc);
  }
  r->poll.data = r;
  napi_create_reference(env, argv[1], 1, &r->callback);
  napi_value name;
  napi_create_string_utf8(env, "netlink.ready", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, NULL, name, &r->async);
  napi_value handle;
  napi_create_external(env, r, NULL, NULL, &handle);
  return handle;
}

static ready_t *ready_arg(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  ready_t *r = NULL;
  napi_get_value_external(env, argv[0], (void **)&r);
  return r && !r->closed ? r : NULL;
}

static napi_value Arm(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  ready_t *r = NULL;
  napi_get_value_external(env, argv[0], (void **)&r);
  if (r && !r->closed) {
    bool repeat = false;
    if (argc > 1) napi_get_value_bool(env, argv[1], &repeat);
    r->repeat = repeat;
    int rc = uv_poll_start(&r->poll, UV_READABLE, on_ready);
    if (rc != 0) return throw_errno(env, "uv_poll_start", -rc);
  }
  return NULL;
}

static napi_value Disarm(napi_env env, napi_callback_info info) {
  ready_t *r = ready_arg(env, info);
  if (r) uv_poll_stop(&r->poll);
  return NULL;
}

static napi_value CloseReadiness(napi_env env, napi_callback_info info) {
  ready_t *r = ready_arg(env, info);
  if (!r) return NULL;
  r->closed = true;
  uv_poll_stop(&r->poll);
  napi_delete_reference(env, r->callback);
  napi_async_destroy(env, r->async);
  uv_close((uv_handle_t *)&r->poll, on_ready_closed);
  return NULL;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"open", NULL, Open, NULL, NULL, NULL, napi_default, NULL},
      {"portId", NULL, PortId, NULL, NULL, NULL, napi_default, NULL},
      {"attachFilter", NULL, AttachFilter, NULL, NULL, NULL, napi_default, NULL},
      {"send", NULL, Send, NULL, NULL, NULL, napi_default, NULL},
      {"recv", NULL, Recv, NULL, NULL, NULL, napi_default, NULL},
      {"recvMany", NULL, RecvMany, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, Close, NULL, NULL, NULL, napi_default, NULL},
      {"watch", NULL, Watch, NULL, NULL, NULL, napi_default, NULL},
      {"unwatch", NULL, Unwatch, NULL, NULL, NULL, napi_default, NULL},
      {"readiness", NULL, Readiness, NULL, NULL, NULL, napi_default, NULL},
      {"arm", NULL, Arm, NULL, NULL, NULL, napi_default, NULL},
      {"disarm", NULL, Disarm, NULL, NULL, NULL, napi_default, NULL},
      {"closeReadiness", NULL, CloseReadiness, NULL, NULL, NULL, napi_default, NULL},
      // sysctl.c: not netlink, here for the namespace switch it shares with open()
      {"fileInNetns", NULL, FileInNetns, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
