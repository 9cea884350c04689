// Wall-clock ticks for the agent's telemetry streams (agent/ticker.ts): a
// timerfd on CLOCK_REALTIME, armed at an absolute time with a period, that the
// event loop watches. It expires on every multiple of the interval since the
// epoch and never before one: one wake-up and one read(2) a tick, nothing to
// arm again. A Node timer counts milliseconds of the monotonic clock: aimed at
// a wall-clock boundary it fires up to a millisecond early about one tick in
// five, and a second wake-up waits out the rest (bench/README.md, telemetry).
// A step of the wall clock (settimeofday, NTP) cancels the timer
// (TFD_TIMER_CANCEL_ON_SET): it is armed again from the new time.
#define _GNU_SOURCE
#include <errno.h>
#include <node_api.h>
// throw_errno, get_int, shared with the netlink addon
#include "../../netlink/native/common.h"
#include "realtime.h"
#include <stdint.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

// The next multiple of the interval on the wall clock, then every interval.
static int arm(int fd, int64_t interval_ns) {
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  int64_t ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
  int64_t next = ns - ns % interval_ns + interval_ns;
  struct itimerspec spec = {
      .it_interval = {interval_ns / 1000000000, interval_ns % 1000000000},
      .it_value = {next / 1000000000, next % 1000000000},
  };
  return timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &spec, NULL);
}

static int64_t interval_arg(napi_env env, napi_value v) {
  int32_t ms = 0;
  get_int(env, v, &ms);
  return (int64_t)ms * 1000000;
}

// timerfd(intervalMs) -> fd (non-blocking; close it with fs.closeSync)
static napi_value Timerfd(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t interval_ns = interval_arg(env, argv[0]);
  if (interval_ns <= 0) return throw_errno(env, "timerfd", EINVAL);
  int fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
  if (fd < 0) return throw_errno(env, "timerfd_create", errno);
  if (arm(fd, interval_ns) < 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, "timerfd_settime", err);
  }
  napi_value result;
  napi_create_int32(env, fd, &result);
  return result;
}

// expirations(fd, intervalMs) -> the ticks since the last call (more than one: the loop was late
// by whole intervals), 0 when none (or the wall clock was set: then armed again from its new time)
static napi_value Expirations(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd = -1;
  get_int(env, argv[0], &fd);
  uint64_t n = 0;
  ssize_t got;
  do {
    got = read(fd, &n, sizeof n);
  } while (got < 0 && errno == EINTR);
  if (got < 0) {
    n = 0;
    if (errno == ECANCELED) {
      if (arm(fd, interval_arg(env, argv[1])) < 0) return throw_errno(env, "timerfd_settime", errno);
    } else if (errno != EAGAIN) {
      return throw_errno(env, "read", errno);
    }
  }
  napi_value result;
  napi_create_double(env, (double)n, &result);
  return result;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"timerfd", NULL, Timerfd, NULL, NULL, NULL, napi_default, NULL},
      {"expirations", NULL, Expirations, NULL, NULL, NULL, napi_default, NULL},
      {"realtimeThread", NULL, RealtimeThread, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
