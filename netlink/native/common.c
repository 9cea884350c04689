// Helpers shared by the C files of the netlink_native addon (see common.h).
#define _GNU_SOURCE
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

napi_value throw_errno(napi_env env, const char *syscall, int err) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", syscall, strerror(err));
  napi_value message, error, errno_value, syscall_value;
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message);
  napi_create_error(env, NULL, message, &error);
  napi_create_int32(env, err, &errno_value);
  napi_set_named_property(env, error, "errno", errno_value);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &syscall_value);
  napi_set_named_property(env, error, "syscall", syscall_value);
  napi_throw(env, error);
  return NULL;
}

int get_int(napi_env env, napi_value v, int32_t *out) {
  return napi_get_value_int32(env, v, out) == napi_ok ? 0 : -1;
}

// A netlink socket keeps the namespace it was created in for its whole life,
// and /proc/sys/net resolves to the netns of the thread that opens it: both
// only need this thread inside the namespace for one call, nothing spawned.
int in_netns(const char *ns_path, int (*fn)(void *), void *arg, int *err) {
  int self_ns = -1, target_ns = -1;
  if (ns_path) {
    self_ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (self_ns < 0) { *err = errno; return -1; }
    target_ns = open(ns_path, O_RDONLY | O_CLOEXEC);
    if (target_ns < 0) { *err = errno; close(self_ns); return -1; }
    if (setns(target_ns, CLONE_NEWNET) < 0) { *err = errno; close(self_ns); close(target_ns); return -1; }
  }
  int rc = fn(arg);
  if (rc < 0) *err = errno;
  if (ns_path) {
    if (setns(self_ns, CLONE_NEWNET) < 0) abort();
    close(self_ns);
    close(target_ns);
  }
  return rc;
}
