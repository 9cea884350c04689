// The calling thread (the event loop's) on the real-time FIFO class: it runs
// as soon as it is woken, ahead of every normal thread, where on a busy host
// it would wait out another process's time slice (bench/README.md, switch:
// "Real-time agents"). Only this thread: V8's workers, started before,
// stay normal; SCHED_RESET_ON_FORK keeps children normal too.
#define _GNU_SOURCE
#include <errno.h>
#include <node_api.h>
#include <sched.h>
#include "../../netlink/native/common.h"
#include "realtime.h"

// realtimeThread(priority): 1..99 SCHED_FIFO, 0 back to SCHED_OTHER; throws with errno (EPERM without CAP_SYS_NICE)
napi_value RealtimeThread(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t priority = 0;
  if (argc < 1 || get_int(env, argv[0], &priority) != 0) return NULL;
  struct sched_param param = {.sched_priority = priority};
  int policy = priority > 0 ? SCHED_FIFO | SCHED_RESET_ON_FORK : SCHED_OTHER;
  // pid 0: the calling thread only (Linux schedules threads, not processes)
  if (sched_setscheduler(0, policy, &param) != 0) return throw_errno(env, "sched_setscheduler", errno);
  return NULL;
}
