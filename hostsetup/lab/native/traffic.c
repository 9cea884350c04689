// Sequenced UDP traffic for the lab, tests and benchmarks: a paced sender that
// can set the IPv6 flow label and traffic class (what the classifiers match),
// and a receiver that counts loss, duplicates, reordering, the longest gap and
// one-way latency. Both run on a worker thread switched into a network
// namespace, so the event loop stays free and no process is spawned.
// Over 300 lines: the sender and the receiver share their packet format and
// namespace handling, and both are one addon.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <node_api.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

// linux/in6.h, which clashes with netinet/in.h
#define IPV6_FLOWLABEL_MGR 32
#define IPV6_FLOWINFO_SEND 33
#define IPV6_FL_A_GET 0
#define IPV6_FL_F_CREATE 1
#define IPV6_FL_S_ANY 255
struct fl_req {
  struct in6_addr flr_dst;
  uint32_t flr_label;
  uint8_t flr_action;
  uint8_t flr_share;
  uint16_t flr_flags;
  uint16_t flr_expires;
  uint16_t flr_linger;
  uint32_t pad;
};

#define MAGIC 0x53525636u  // "SRV6"
#define MAX_LATENCIES (1 << 22)

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int enter_netns(const char *path, int *self) {
  *self = -1;
  if (!path[0]) return 0;
  *self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  int target = open(path, O_RDONLY | O_CLOEXEC);
  if (*self < 0 || target < 0) return -1;
  int rc = setns(target, CLONE_NEWNET);
  close(target);
  return rc;
}

static void leave_netns(int self) {
  if (self < 0) return;
  if (setns(self, CLONE_NEWNET) < 0) abort();
  close(self);
}

static napi_value make_error(napi_env env, const char *what, int err) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_value m, e, n;
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &m);
  napi_create_error(env, NULL, m, &e);
  napi_create_int32(env, err, &n);
  napi_set_named_property(env, e, "errno", n);
  return e;
}

static void get_str(napi_env env, napi_value obj, const char *key, char *out, size_t cap) {
  napi_value v;
  napi_valuetype t;
  out[0] = 0;
  if (napi_get_named_property(env, obj, key, &v) != napi_ok) return;
  napi_typeof(env, v, &t);
  if (t == napi_string) {
    size_t len;
    napi_get_value_string_utf8(env, v, out, cap, &len);
  }
}

static double get_num(napi_env env, napi_value obj, const char *key, double dflt) {
  napi_value v;
  napi_valuetype t;
  double d = dflt;
  if (napi_get_named_property(env, obj, key, &v) != napi_ok) return dflt;
  napi_typeof(env, v, &t);
  if (t == napi_number) napi_get_value_double(env, v, &d);
  return d;
}

static int get_bool(napi_env env, napi_value obj, const char *key) {
  napi_value v;
  napi_valuetype t;
  bool b = false;
  if (napi_get_named_property(env, obj, key, &v) != napi_ok) return 0;
  napi_typeof(env, v, &t);
  if (t == napi_boolean) napi_get_value_bool(env, v, &b);
  return b;
}

static void set_num(napi_env env, napi_value obj, const char *key, double value) {
  napi_value v;
  napi_create_double(env, value, &v);
  napi_set_named_property(env, obj, key, v);
}

/** obj[key] = a Float64Array of the n values */
static void set_samples(napi_env env, napi_value obj, const char *key, const uint64_t *values, size_t n) {
  void *data;
  napi_value buf, arr;
  napi_create_arraybuffer(env, n * sizeof(double), &data, &buf);
  for (size_t i = 0; i < n; i++) ((double *)data)[i] = (double)values[i];
  napi_create_typedarray(env, napi_float64_array, n, buf, 0, &arr);
  napi_set_named_property(env, obj, key, arr);
}

// Jobs run on a thread of their own, not libuv's pool: a receiver and several
// senders running for seconds would exhaust its four threads.
typedef struct {
  void (*execute)(void *job);
  void (*complete)(napi_env env, void *job);
  void *job;
  napi_threadsafe_function tsfn;
} runner_t;

static void run_complete(napi_env env, napi_value cb, void *context, void *data) {
  runner_t *r = data;
  if (env) r->complete(env, r->job);
  napi_release_threadsafe_function(r->tsfn, napi_tsfn_release);
  free(r);
}

static void *run_thread(void *arg) {
  runner_t *r = arg;
  r->execute(r->job);
  napi_call_threadsafe_function(r->tsfn, r, napi_tsfn_blocking);
  return NULL;
}

static void start_job(napi_env env, const char *what, void *job, void (*execute)(void *), void (*complete)(napi_env, void *)) {
  runner_t *r = calloc(1, sizeof *r);
  r->execute = execute;
  r->complete = complete;
  r->job = job;
  napi_value name;
  napi_create_string_utf8(env, what, NAPI_AUTO_LENGTH, &name);
  napi_create_threadsafe_function(env, NULL, NULL, name, 0, 1, NULL, NULL, NULL, run_complete, &r->tsfn);
  pthread_t th;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_create(&th, &attr, run_thread, r);
  pthread_attr_destroy(&attr);
}

// ---------------- sender ----------------

typedef struct {
  char netns[512], dst[64];
  int port, size, flowlabel, tclass;
  double pps;
  uint64_t count, duration_ns;
  // results
  uint64_t sent, errors, elapsed_ns, max_send_gap_ns;
  double start_unix_ms;
  int err, first_errno;
  char err_what[64];
  napi_deferred deferred;
} send_job_t;

static void send_execute(void *data) {
  send_job_t *j = data;
  int self;
  if (enter_netns(j->netns, &self) < 0) { j->err = errno; strcpy(j->err_what, "setns"); leave_netns(self); return; }
  int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  leave_netns(self);
  if (fd < 0) { j->err = errno; strcpy(j->err_what, "socket"); return; }
  struct sockaddr_in6 dst = {.sin6_family = AF_INET6, .sin6_port = htons(j->port)};
  if (inet_pton(AF_INET6, j->dst, &dst.sin6_addr) != 1) { j->err = EINVAL; strcpy(j->err_what, "destination address"); close(fd); return; }
  if (j->tclass >= 0) setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &j->tclass, sizeof j->tclass);
  if (j->flowlabel > 0) {
    struct fl_req req = {.flr_dst = dst.sin6_addr, .flr_label = htonl((uint32_t)j->flowlabel & 0xfffff),
                         .flr_action = IPV6_FL_A_GET, .flr_share = IPV6_FL_S_ANY, .flr_flags = IPV6_FL_F_CREATE};
    int on = 1;
    if (setsockopt(fd, IPPROTO_IPV6, IPV6_FLOWLABEL_MGR, &req, sizeof req) < 0 ||
        setsockopt(fd, IPPROTO_IPV6, IPV6_FLOWINFO_SEND, &on, sizeof on) < 0) {
      j->err = errno; strcpy(j->err_what, "flow label"); close(fd); return;
    }
    dst.sin6_flowinfo = htonl((uint32_t)j->flowlabel & 0xfffff);
  }
  if (connect(fd, (struct sockaddr *)&dst, sizeof dst) < 0) { j->err = errno; strcpy(j->err_what, "connect"); close(fd); return; }
  char *buf = calloc(1, (size_t)j->size);
  uint64_t period = j->pps > 0 ? (uint64_t)(1e9 / j->pps) : 0;
  uint64_t start = now_ns(), end = j->duration_ns ? start + j->duration_ns : UINT64_MAX, last_sent = 0;
  struct timespec wall;
  clock_gettime(CLOCK_REALTIME, &wall);
  j->start_unix_ms = (double)wall.tv_sec * 1e3 + (double)wall.tv_nsec / 1e6;
  for (uint64_t i = 0; (!j->count || i < j->count); i++) {
    uint64_t due = start + i * period, t = now_ns();
    if (t >= end) break;
    if (period && t < due) {
      // sleep, never spin: senders share the cores with the routers and the controller under test;
      // a late wake-up is made up by sending the packets that fell due back to back
      struct timespec ts = {(time_t)(due / 1000000000ull), (long)(due % 1000000000ull)};
      clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
    }
    uint32_t magic = htonl(MAGIC);
    uint64_t seq = i, ts = now_ns();
    memcpy(buf, &magic, 4);
    memcpy(buf + 4, &seq, 8);
    memcpy(buf + 12, &ts, 8);
    if (send(fd, buf, (size_t)j->size, 0) < 0) {
      if (!j->errors) j->first_errno = errno;
      j->errors++;
    } else {
      if (last_sent && ts - last_sent > j->max_send_gap_ns) j->max_send_gap_ns = ts - last_sent;
      last_sent = ts;
      j->sent++;
    }
  }
  j->elapsed_ns = now_ns() - start;
  free(buf);
  close(fd);
}

static void send_complete(napi_env env, void *data) {
  send_job_t *j = data;
  if (j->err) {
    napi_reject_deferred(env, j->deferred, make_error(env, j->err_what, j->err));
  } else {
    napi_value r;
    napi_create_object(env, &r);
    set_num(env, r, "sent", (double)j->sent);
    set_num(env, r, "errors", (double)j->errors);
    set_num(env, r, "firstErrno", j->first_errno);
    set_num(env, r, "elapsedNs", (double)j->elapsed_ns);
    set_num(env, r, "maxSendGapNs", (double)j->max_send_gap_ns);
    set_num(env, r, "startUnixMs", j->start_unix_ms);
    napi_resolve_deferred(env, j->deferred, r);
  }
  free(j);
}

// udpSend({netns, dst, port, size, pps, count, durationMs, flowlabel, tclass}) -> Promise<{sent, errors, firstErrno, elapsedNs, maxSendGapNs, startUnixMs}>
static napi_value UdpSend(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], promise;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  send_job_t *j = calloc(1, sizeof *j);
  get_str(env, argv[0], "netns", j->netns, sizeof j->netns);
  get_str(env, argv[0], "dst", j->dst, sizeof j->dst);
  j->port = (int)get_num(env, argv[0], "port", 9);
  j->size = (int)get_num(env, argv[0], "size", 64);
  if (j->size < 20) j->size = 20;
  if (j->size > 65000) j->size = 65000;
  j->pps = get_num(env, argv[0], "pps", 1000);
  j->count = (uint64_t)get_num(env, argv[0], "count", 0);
  j->duration_ns = (uint64_t)(get_num(env, argv[0], "durationMs", 0) * 1e6);
  j->flowlabel = (int)get_num(env, argv[0], "flowlabel", 0);
  j->tclass = (int)get_num(env, argv[0], "tclass", -1);
  napi_create_promise(env, &j->deferred, &promise);
  start_job(env, "udpSend", j, send_execute, send_complete);
  return promise;
}

// ---------------- receiver ----------------

typedef struct {
  int fd;
  uint64_t duration_ns, idle_ns, expect;
  volatile int stop;
  // results
  uint64_t received, unique, duplicates, reordered, foreign, max_seq, seen_any;
  uint64_t max_gap_ns, first_ns, last_ns, longest_seq_gap;
  uint8_t *seen;
  size_t seen_bytes;
  uint64_t *lat;
  size_t nlat;
  // keepSamples: each packet's arrival (CLOCK_MONOTONIC) and latency, in arrival order
  int keep;
  uint64_t *arrival, *lat_in_order;
  int err;
  napi_deferred deferred;
  napi_ref self_ref;
} recv_job_t;

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static void recv_execute(void *data) {
  recv_job_t *j = data;
  char buf[65536];
  uint64_t start = now_ns(), last_packet = start, prev_seq = 0;
  for (;;) {
    uint64_t t = now_ns();
    if (j->stop || (j->duration_ns && t - start >= j->duration_ns)) break;
    if (j->idle_ns && j->seen_any && t - last_packet >= j->idle_ns) break;
    if (j->expect && j->unique >= j->expect) break;
    ssize_t n = recv(j->fd, buf, sizeof buf, 0);
    t = now_ns();
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      j->err = errno;
      break;
    }
    uint32_t magic;
    if (n < 20 || (memcpy(&magic, buf, 4), ntohl(magic) != MAGIC)) { j->foreign++; continue; }
    uint64_t seq, sent;
    memcpy(&seq, buf + 4, 8);
    memcpy(&sent, buf + 12, 8);
    j->received++;
    if (j->seen_any) {
      if (t - last_packet > j->max_gap_ns) j->max_gap_ns = t - last_packet;
      if (seq > prev_seq + 1 && seq - prev_seq - 1 > j->longest_seq_gap) j->longest_seq_gap = seq - prev_seq - 1;
      if (seq < prev_seq) j->reordered++;
    } else j->first_ns = t;
    j->seen_any = 1;
    last_packet = t;
    j->last_ns = t;
    if (seq > prev_seq || j->received == 1) prev_seq = seq;
    if (seq > j->max_seq) j->max_seq = seq;
    size_t byte = seq >> 3;
    if (byte >= j->seen_bytes) {
      size_t grow = j->seen_bytes ? j->seen_bytes : 1 << 16;
      while (grow <= byte) grow *= 2;
      j->seen = realloc(j->seen, grow);
      memset(j->seen + j->seen_bytes, 0, grow - j->seen_bytes);
      j->seen_bytes = grow;
    }
    if (j->seen[byte] & (1 << (seq & 7))) { j->duplicates++; continue; }
    j->seen[byte] |= 1 << (seq & 7);
    j->unique++;
    if (j->nlat < MAX_LATENCIES && t >= sent) {
      if (j->keep) j->arrival[j->nlat] = t;
      j->lat[j->nlat++] = t - sent;
    }
  }
  if (j->keep && (j->lat_in_order = malloc((j->nlat ? j->nlat : 1) * sizeof *j->lat)) != NULL) memcpy(j->lat_in_order, j->lat, j->nlat * sizeof *j->lat);
  qsort(j->lat, j->nlat, sizeof *j->lat, cmp_u64);
}

static void recv_complete(napi_env env, void *data) {
  recv_job_t *j = data;
  close(j->fd);
  if (j->err) {
    napi_reject_deferred(env, j->deferred, make_error(env, "recv", j->err));
  } else {
    napi_value r;
    napi_create_object(env, &r);
    set_num(env, r, "received", (double)j->received);
    set_num(env, r, "unique", (double)j->unique);
    set_num(env, r, "duplicates", (double)j->duplicates);
    set_num(env, r, "reordered", (double)j->reordered);
    set_num(env, r, "foreign", (double)j->foreign);
    set_num(env, r, "maxSeq", j->seen_any ? (double)j->max_seq : -1);
    set_num(env, r, "lost", j->seen_any ? (double)(j->max_seq + 1 - j->unique) : 0);
    set_num(env, r, "longestSeqGap", (double)j->longest_seq_gap);
    set_num(env, r, "maxInterArrivalNs", (double)j->max_gap_ns);
    set_num(env, r, "spanNs", j->seen_any ? (double)(j->last_ns - j->first_ns) : 0);
    set_num(env, r, "latencyP50Ns", j->nlat ? (double)j->lat[j->nlat / 2] : -1);
    set_num(env, r, "latencyP99Ns", j->nlat ? (double)j->lat[(size_t)(j->nlat * 0.99)] : -1);
    set_num(env, r, "latencyMaxNs", j->nlat ? (double)j->lat[j->nlat - 1] : -1);
    if (j->keep && j->lat_in_order) {
      set_samples(env, r, "arrivalsNs", j->arrival, j->nlat);
      set_samples(env, r, "latenciesNs", j->lat_in_order, j->nlat);
    }
    napi_resolve_deferred(env, j->deferred, r);
  }
  napi_delete_reference(env, j->self_ref);
  free(j->seen);
  free(j->lat);
  free(j->arrival);
  free(j->lat_in_order);
  free(j);
}

static napi_value Stop(napi_env env, napi_callback_info info) {
  void *data;
  napi_get_cb_info(env, info, NULL, NULL, NULL, &data);
  ((recv_job_t *)data)->stop = 1;
  return NULL;
}

// udpReceive({netns, bind, port, durationMs, idleMs, expect}) -> {done: Promise<stats>, stop()}
// The socket is bound before this returns: a sender may start at once.
static napi_value UdpReceive(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], promise, result, stop_fn;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char netns[512], bind_addr[64];
  get_str(env, argv[0], "netns", netns, sizeof netns);
  get_str(env, argv[0], "bind", bind_addr, sizeof bind_addr);
  int port = (int)get_num(env, argv[0], "port", 9);
  int self;
  if (enter_netns(netns, &self) < 0) {
    int err = errno;
    leave_netns(self);
    napi_throw(env, make_error(env, "setns", err));
    return NULL;
  }
  int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  leave_netns(self);
  if (fd < 0) { napi_throw(env, make_error(env, "socket", errno)); return NULL; }
  int rcvbuf = 32 << 20;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) < 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  struct timeval tv = {0, 50000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  struct sockaddr_in6 sa = {.sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_addr = in6addr_any};
  if ((bind_addr[0] && inet_pton(AF_INET6, bind_addr, &sa.sin6_addr) != 1) || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
    int err = bind_addr[0] && errno == 0 ? EINVAL : errno;
    close(fd);
    napi_throw(env, make_error(env, "bind", err));
    return NULL;
  }
  recv_job_t *j = calloc(1, sizeof *j);
  j->fd = fd;
  j->duration_ns = (uint64_t)(get_num(env, argv[0], "durationMs", 0) * 1e6);
  j->idle_ns = (uint64_t)(get_num(env, argv[0], "idleMs", 0) * 1e6);
  j->expect = (uint64_t)get_num(env, argv[0], "expect", 0);
  j->lat = malloc(MAX_LATENCIES * sizeof *j->lat);
  j->keep = get_bool(env, argv[0], "keepSamples");
  if (j->keep) j->arrival = malloc(MAX_LATENCIES * sizeof *j->arrival);
  if (!j->lat || (j->keep && !j->arrival)) {
    close(fd);
    free(j->lat);
    free(j->arrival);
    free(j);
    napi_throw(env, make_error(env, "malloc", ENOMEM));
    return NULL;
  }
  napi_create_promise(env, &j->deferred, &promise);
  napi_create_object(env, &result);
  napi_set_named_property(env, result, "done", promise);
  napi_create_function(env, "stop", NAPI_AUTO_LENGTH, Stop, j, &stop_fn);
  napi_set_named_property(env, result, "stop", stop_fn);
  napi_create_reference(env, result, 1, &j->self_ref);
  start_job(env, "udpReceive", j, recv_execute, recv_complete);
  return result;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"udpSend", NULL, UdpSend, NULL, NULL, NULL, napi_default, NULL},
      {"udpReceive", NULL, UdpReceive, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
