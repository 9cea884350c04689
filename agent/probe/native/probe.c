// The probe socket of the agent (agent/probe/socket.ts): UDP over IPv6 with a
// sticky SRv6 routing header, kernel receive timestamps and the routing header
// a probe arrived with. Node's dgram offers none of the three.
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <time.h>
// after time.h: errqueue.h uses struct timespec
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <node_api.h>
// throw_errno, shared with the netlink addon
#include "../../../netlink/native/common.h"
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef IPV6_RECVRTHDR
#define IPV6_RECVRTHDR 56
#endif
#ifndef IPV6_RTHDR
#define IPV6_RTHDR 57
#endif

// One received packet in the caller's buffer (offsets must match socket.ts).
#define SLOT 1024
#define SLOT_LEN 0       // u32 payload bytes (up to SLOT - SLOT_PAYLOAD kept)
#define SLOT_PORT 4      // u16 source port
#define SLOT_SRH_LEN 6   // u16 routing header bytes (0: none)
#define SLOT_RX_NS 8     // i64 receive time, CLOCK_REALTIME ns
#define SLOT_HOPLIMIT 16 // u8
#define SLOT_TS_KERNEL 17 // u8: 1 when SLOT_RX_NS is the kernel's timestamp
#define SLOT_TCLASS 18    // u8: the packet's traffic class
#define SLOT_DELAY_NS 24  // i64: for a STAMP reflector packet, (T4 - T1) - (T3 - T2); else 0
#define SLOT_ADDR 32     // 16 bytes source address
#define SLOT_SRH 48      // up to 256 bytes
#define SLOT_PAYLOAD 304
#define SLOTS 32

#define STAMP_LENGTH 44
#define REFLECTOR_RT_PRIORITY 10

static int64_t get_ntp_ns(const uint8_t *p) {
  uint64_t sec = 0, frac = 0;
  for (int i = 0; i < 4; i++) sec = (sec << 8) | p[i];
  for (int i = 4; i < 8; i++) frac = (frac << 8) | p[i];
  return (int64_t)(sec - 2208988800ULL) * 1000000000LL + (int64_t)((frac * 1000000000ULL + (1ULL << 31)) >> 32);
}

// (T4 - T1) - (T3 - T2) of a reflector packet received at t4: each difference on one clock
static int64_t stamp_delay(const uint8_t *r, int64_t t4) {
  return (t4 - get_ntp_ns(r + 28)) - (get_ntp_ns(r + 4) - get_ntp_ns(r + 16));
}


static int64_t now_ns(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

// NTP format (RFC 5905): seconds since 1900, 32-bit fraction, network order
static void put_ntp(uint8_t *p, int64_t unix_ns) {
  uint64_t sec = (uint64_t)(unix_ns / 1000000000LL) + 2208988800ULL;
  uint64_t frac = ((uint64_t)(unix_ns % 1000000000LL) << 32) / 1000000000ULL;
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(sec >> (24 - 8 * i));
  for (int i = 0; i < 4; i++) p[4 + i] = (uint8_t)(frac >> (24 - 8 * i));
}

// open(port, tclass, priority) -> [fd, kernelTimestamps]
static napi_value Open(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t port, tclass, priority;
  napi_get_value_int32(env, argv[0], &port);
  napi_get_value_int32(env, argv[1], &tclass);
  napi_get_value_int32(env, argv[2], &priority);
  int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, "socket", errno);
  int one = 1;
  const char *failed = NULL;
  if (setsockopt(fd, IPPROTO_IPV6, IPV6_RECVRTHDR, &one, sizeof one) < 0) failed = "setsockopt(IPV6_RECVRTHDR)";
  else if (setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof one) < 0) failed = "setsockopt(IPV6_RECVHOPLIMIT)";
  else if (setsockopt(fd, IPPROTO_IPV6, IPV6_RECVTCLASS, &one, sizeof one) < 0) failed = "setsockopt(IPV6_RECVTCLASS)";
  else if (setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tclass, sizeof tclass) < 0) failed = "setsockopt(IPV6_TCLASS)";
  else if (setsockopt(fd, SOL_SOCKET, SO_PRIORITY, &priority, sizeof priority) < 0) failed = "setsockopt(SO_PRIORITY)";
  if (failed) {
    int err = errno;
    close(fd);
    return throw_errno(env, failed, err);
  }
  int ts_flags = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
  bool kernel_ts = setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &ts_flags, sizeof ts_flags) == 0;
  struct sockaddr_in6 addr = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port), .sin6_addr = IN6ADDR_ANY_INIT};
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, "bind", err);
  }
  napi_value result, v;
  napi_create_array_with_length(env, 2, &result);
  napi_create_int32(env, fd, &v);
  napi_set_element(env, result, 0, v);
  napi_get_boolean(env, kernel_ts, &v);
  napi_set_element(env, result, 1, v);
  return result;
}

// One datagram with the traffic class tclass (the socket's own when negative).
static ssize_t send_with_tclass(int fd, const void *data, size_t len, const struct sockaddr_in6 *to, int tclass) {
  struct iovec iov = {.iov_base = (void *)data, .iov_len = len};
  union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } control;
  struct msghdr msg = {.msg_name = (void *)to, .msg_namelen = sizeof *to, .msg_iov = &iov, .msg_iovlen = 1};
  if (tclass >= 0) {
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof control.buf;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = IPPROTO_IPV6;
    c->cmsg_type = IPV6_TCLASS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &tclass, sizeof tclass);
  }
  return sendmsg(fd, &msg, 0);
}

// send(fd, srh|null, dst16, port, payload, tsOffset, tclass) -> the monotonic clock (ms, as
// process.hrtime) just before sendmsg, or -errno. With tsOffset >= 0 the wall clock is written there
// (NTP format) then: the transmit timestamp. tclass < 0: the socket's.
static napi_value Send(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd, port, ts_offset, tclass;
  napi_get_value_int32(env, argv[0], &fd);
  napi_get_value_int32(env, argv[3], &port);
  napi_get_value_int32(env, argv[5], &ts_offset);
  napi_get_value_int32(env, argv[6], &tclass);
  napi_valuetype t;
  napi_typeof(env, argv[1], &t);
  void *srh = NULL, *dst = NULL, *payload = NULL;
  size_t srh_len = 0, dst_len = 0, payload_len = 0;
  if (t != napi_null && t != napi_undefined) napi_get_buffer_info(env, argv[1], &srh, &srh_len);
  napi_get_buffer_info(env, argv[2], &dst, &dst_len);
  napi_get_buffer_info(env, argv[4], &payload, &payload_len);
  int err = 0;
  double sent_ms = 0;
  if (dst_len != 16) err = EINVAL;
  // a type 4 (SRv6) header is accepted only as a sticky option, not as sendmsg ancillary data (EINVAL)
  else if (setsockopt(fd, IPPROTO_IPV6, IPV6_RTHDR, srh, (socklen_t)srh_len) < 0) err = errno;
  else {
    struct sockaddr_in6 to = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
    memcpy(&to.sin6_addr, dst, 16);
    if (ts_offset >= 0 && (size_t)ts_offset + 8 <= payload_len) put_ntp((uint8_t *)payload + ts_offset, now_ns(CLOCK_REALTIME));
    sent_ms = (double)now_ns(CLOCK_MONOTONIC) / 1e6;
    if (send_with_tclass(fd, payload, payload_len, &to, tclass) < 0) err = errno;
  }
  napi_value v;
  napi_create_double(env, err ? -err : sent_ms, &v);
  return v;
}

// Reads what is queued into the slots of buf (no wait): the number of packets, or -errno.
static int drain(int fd, uint8_t *buf, size_t buf_len) {
  int n = 0;
  size_t slots = buf_len / SLOT;
  if (slots > SLOTS) slots = SLOTS;
  while ((size_t)n < slots) {
    uint8_t *slot = buf + (size_t)n * SLOT;
    struct sockaddr_in6 from;
    struct iovec iov = {.iov_base = slot + SLOT_PAYLOAD, .iov_len = SLOT - SLOT_PAYLOAD};
    char control[1024];
    struct msghdr msg = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1,
                         .msg_control = control, .msg_controllen = sizeof control};
    ssize_t got = recvmsg(fd, &msg, MSG_DONTWAIT);
    if (got < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == EINTR) continue;
      return n > 0 ? n : -errno;
    }
    memset(slot, 0, SLOT_PAYLOAD);
    uint32_t len = (uint32_t)got;
    memcpy(slot + SLOT_LEN, &len, 4);
    uint16_t port = ntohs(from.sin6_port);
    memcpy(slot + SLOT_PORT, &port, 2);
    memcpy(slot + SLOT_ADDR, &from.sin6_addr, 16);
    int64_t rx = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPING) {
        struct scm_timestamping tss;
        memcpy(&tss, CMSG_DATA(c), sizeof tss);
        rx = (int64_t)tss.ts[0].tv_sec * 1000000000LL + tss.ts[0].tv_nsec;
      } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RTHDR) {
        size_t srh_len = c->cmsg_len - CMSG_LEN(0);
        if (srh_len > SLOT_PAYLOAD - SLOT_SRH) srh_len = 0;  // more than 15 segments: not one of ours
        uint16_t l16 = (uint16_t)srh_len;
        memcpy(slot + SLOT_SRH_LEN, &l16, 2);
        memcpy(slot + SLOT_SRH, CMSG_DATA(c), srh_len);
      } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_TCLASS) {
        int tc;
        memcpy(&tc, CMSG_DATA(c), sizeof tc);
        slot[SLOT_TCLASS] = (uint8_t)tc;
      } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT) {
        int hl;
        memcpy(&hl, CMSG_DATA(c), sizeof hl);
        slot[SLOT_HOPLIMIT] = (uint8_t)hl;
      }
    }
    slot[SLOT_TS_KERNEL] = rx != 0;
    if (rx == 0) rx = now_ns(CLOCK_REALTIME);
    memcpy(slot + SLOT_RX_NS, &rx, 8);
    if (got >= STAMP_LENGTH) {
      int64_t delay = stamp_delay(slot + SLOT_PAYLOAD, rx);
      memcpy(slot + SLOT_DELAY_NS, &delay, 8);
    }
    n++;
  }
  return n;
}

// recv(fd, buf) -> packets read into buf's slots (0: none queued)
static napi_value Recv(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd;
  napi_get_value_int32(env, argv[0], &fd);
  void *buf;
  size_t len;
  napi_get_buffer_info(env, argv[1], &buf, &len);
  int n = drain(fd, buf, len);
  if (n < 0) return throw_errno(env, "recvmsg", -n);
  napi_value v;
  napi_create_int32(env, n, &v);
  return v;
}

// ---- the reflector: answered on a thread of its own, so a busy event loop (a large batch, a
// garbage collection) never delays an answer and makes a live path look lossy to its sender ----

typedef struct {
  pthread_t thread;
  int fd;
  int stop; // eventfd
  uint64_t reflected, errors;
  bool stopped, realtime;
  uint8_t buf[SLOT * SLOTS];
} reflector_t;

// The way back (agent/probe/stamp.ts returnTravel, srhFor): the segments as stored are [this router,
// S(n-1) .. S1]; back in travel order S1 .. S(n-1), then the sender, stored last first.
static size_t return_srh(const uint8_t *srh, size_t len, const uint8_t *source, uint8_t *out) {
  if (len < 8 || srh[2] != 4 || srh[1] % 2 != 0) return 0;
  size_t n = srh[1] / 2;
  if (n < 1 || n > 15 || len < 8 + 16 * n) return 0;
  memset(out, 0, 8);
  out[0] = 17;
  out[1] = (uint8_t)(2 * n);
  out[2] = 4;
  out[3] = out[4] = (uint8_t)(n - 1);
  memcpy(out + 8, source, 16);
  for (size_t i = 1; i < n; i++) memcpy(out + 8 + 16 * i, srh + 8 + 16 * (n - i), 16);
  return 8 + 16 * n;
}

// The Session-Reflector packet (RFC 8762 4.3, stateless: the sender's sequence number) for a
// Session-Sender packet received at rx (wall clock, ns) with hop limit ttl; transmit timestamp left out.
static void reflector_packet(const uint8_t *in, int64_t rx, uint8_t ttl, uint8_t *out) {
  memset(out, 0, STAMP_LENGTH);
  memcpy(out, in, 4);           // sequence number
  out[13] = 1;                  // error estimate: not synchronised, NTP format, multiplier 1
  memcpy(out + 14, in + 14, 2); // SSID
  put_ntp(out + 16, rx);        // receive timestamp
  memcpy(out + 24, in, 4);      // sender sequence number
  memcpy(out + 28, in + 4, 8);  // sender timestamp
  memcpy(out + 36, in + 12, 2); // sender error estimate
  out[40] = ttl;                // sender TTL
}

static void reflect(reflector_t *r) {
  for (;;) {
    int n = drain(r->fd, r->buf, sizeof r->buf);
    if (n <= 0) return;
    for (int i = 0; i < n; i++) {
      uint8_t *slot = r->buf + (size_t)i * SLOT;
      uint32_t len;
      memcpy(&len, slot + SLOT_LEN, 4);
      if (len < STAMP_LENGTH) continue;
      uint8_t out[STAMP_LENGTH];
      int64_t rx;
      memcpy(&rx, slot + SLOT_RX_NS, 8);
      reflector_packet(slot + SLOT_PAYLOAD, rx, slot[SLOT_HOPLIMIT], out);
      uint16_t srh_len, port;
      memcpy(&srh_len, slot + SLOT_SRH_LEN, 2);
      memcpy(&port, slot + SLOT_PORT, 2);
      uint8_t srh[8 + 16 * 15];
      size_t back = srh_len ? return_srh(slot + SLOT_SRH, srh_len, slot + SLOT_ADDR, srh) : 0;
      struct sockaddr_in6 to = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
      memcpy(&to.sin6_addr, slot + SLOT_ADDR, 16);
      if (setsockopt(r->fd, IPPROTO_IPV6, IPV6_RTHDR, back ? srh : NULL, (socklen_t)back) < 0) {
        __atomic_add_fetch(&r->errors, 1, __ATOMIC_RELAXED);
        continue;
      }
      put_ntp(out + 4, now_ns(CLOCK_REALTIME));  // transmit timestamp
      // back in the class it came in (RFC 8972's class of service, reflected): a best-effort probe
      // measures the queues the traffic sees both ways, a priority one gets past them both ways
      if (send_with_tclass(r->fd, out, sizeof out, &to, slot[SLOT_TCLASS]) < 0) __atomic_add_fetch(&r->errors, 1, __ATOMIC_RELAXED);
      else __atomic_add_fetch(&r->reflected, 1, __ATOMIC_RELAXED);
    }
    if (n < SLOTS) return;
  }
}

static void *reflector_main(void *arg) {
  reflector_t *r = arg;
  struct pollfd fds[2] = {{.fd = r->fd, .events = POLLIN}, {.fd = r->stop, .events = POLLIN}};
  for (;;) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[1].revents) break;
    if (fds[0].revents & POLLIN) reflect(r);
  }
  return NULL;
}

static void stop_reflector(reflector_t *r) {
  if (r->stopped) return;
  r->stopped = true;
  uint64_t one = 1;
  if (write(r->stop, &one, sizeof one) == sizeof one) pthread_join(r->thread, NULL);
  close(r->stop);
  close(r->fd);
}

// the handle was collected: the thread is stopped (if JS did not) and its memory freed
static void finalize_reflector(napi_env env, void *data, void *hint) {
  stop_reflector(data);
  free(data);
}

// reflect(fd) -> handle: answers every STAMP packet that reaches fd until stopReflector (which closes fd)
static napi_value Reflect(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd;
  napi_get_value_int32(env, argv[0], &fd);
  reflector_t *r = calloc(1, sizeof *r);
  if (!r) return throw_errno(env, "calloc", ENOMEM);
  r->fd = fd;
  r->stop = eventfd(0, EFD_CLOEXEC);
  if (r->stop < 0) {
    int err = errno;
    free(r);
    return throw_errno(env, "eventfd", err);
  }
  int rc = pthread_create(&r->thread, NULL, reflector_main, r);
  if (rc != 0) {
    close(r->stop);
    free(r);
    return throw_errno(env, "pthread_create", rc);
  }
  // Real-time, as BFD daemons run: on a busy host a normal thread waits tens of ms for a CPU, and
  // every path ending here looks dead to its sender at once. The thread only polls, reads and sends.
  // Without the privilege (EPERM) it stays a normal thread; reflected() says which.
  struct sched_param param = {.sched_priority = REFLECTOR_RT_PRIORITY};
  r->realtime = pthread_setschedparam(r->thread, SCHED_FIFO, &param) == 0;
  napi_value handle;
  napi_create_external(env, r, finalize_reflector, NULL, &handle);
  return handle;
}

static reflector_t *reflector_arg(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  reflector_t *r = NULL;
  napi_get_value_external(env, argv[0], (void **)&r);
  return r && !r->stopped ? r : NULL;
}

// reflected(handle) -> [answered, failed sends, real-time thread]
static napi_value Reflected(napi_env env, napi_callback_info info) {
  reflector_t *r = reflector_arg(env, info);
  napi_value result, v;
  napi_create_array_with_length(env, 3, &result);
  napi_create_double(env, r ? (double)__atomic_load_n(&r->reflected, __ATOMIC_RELAXED) : 0, &v);
  napi_set_element(env, result, 0, v);
  napi_create_double(env, r ? (double)__atomic_load_n(&r->errors, __ATOMIC_RELAXED) : 0, &v);
  napi_set_element(env, result, 1, v);
  napi_get_boolean(env, r && r->realtime, &v);
  napi_set_element(env, result, 2, v);
  return result;
}

// answer(payload, srh|null, source16, rxNs, ttl) -> [reply, return srh|null]: what reflect() sends
// for a packet (the codec on its own, for the tests' golden bytes; transmit timestamp left zero)
static napi_value Answer(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  void *payload, *srh = NULL, *source;
  size_t payload_len, srh_len = 0, source_len;
  napi_get_buffer_info(env, argv[0], &payload, &payload_len);
  napi_valuetype t;
  napi_typeof(env, argv[1], &t);
  if (t != napi_null && t != napi_undefined) napi_get_buffer_info(env, argv[1], &srh, &srh_len);
  napi_get_buffer_info(env, argv[2], &source, &source_len);
  int64_t rx;
  bool lossless;
  napi_get_value_bigint_int64(env, argv[3], &rx, &lossless);
  int32_t ttl;
  napi_get_value_int32(env, argv[4], &ttl);
  if (payload_len < STAMP_LENGTH || source_len != 16) return throw_errno(env, "answer", EINVAL);
  napi_value result, reply, back;
  void *out;
  napi_create_buffer(env, STAMP_LENGTH, &out, &reply);
  reflector_packet(payload, rx, (uint8_t)ttl, out);
  uint8_t srh_out[8 + 16 * 15];
  size_t n = srh ? return_srh(srh, srh_len, source, srh_out) : 0;
  if (n) napi_create_buffer_copy(env, n, srh_out, NULL, &back);
  else napi_get_null(env, &back);
  napi_create_array_with_length(env, 2, &result);
  napi_set_element(env, result, 0, reply);
  napi_set_element(env, result, 1, back);
  return result;
}

// delay(reflectorPayload, rxNs) -> the round trip in ns without the reflector's time, as the receive path computes it
static napi_value Delay(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  void *payload;
  size_t len;
  napi_get_buffer_info(env, argv[0], &payload, &len);
  int64_t rx;
  bool lossless;
  napi_get_value_bigint_int64(env, argv[1], &rx, &lossless);
  if (len < STAMP_LENGTH) return throw_errno(env, "delay", EINVAL);
  napi_value v;
  napi_create_bigint_int64(env, stamp_delay(payload, rx), &v);
  return v;
}

// stopReflector(handle): stops answering and closes the socket
static napi_value StopReflector(napi_env env, napi_callback_info info) {
  reflector_t *r = reflector_arg(env, info);
  if (r) stop_reflector(r);
  return NULL;
}

static napi_value Close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd;
  napi_get_value_int32(env, argv[0], &fd);
  if (close(fd) < 0) return throw_errno(env, "close", errno);
  return NULL;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"open", NULL, Open, NULL, NULL, NULL, napi_default, NULL},
      {"send", NULL, Send, NULL, NULL, NULL, napi_default, NULL},
      {"recv", NULL, Recv, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, Close, NULL, NULL, NULL, napi_default, NULL},
      {"reflect", NULL, Reflect, NULL, NULL, NULL, napi_default, NULL},
      {"reflected", NULL, Reflected, NULL, NULL, NULL, napi_default, NULL},
      {"stopReflector", NULL, StopReflector, NULL, NULL, NULL, napi_default, NULL},
      {"answer", NULL, Answer, NULL, NULL, NULL, napi_default, NULL},
      {"delay", NULL, Delay, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
