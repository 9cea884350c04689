// Sysctl files of this or another network namespace (netlink/sysctl.ts). Not
// netlink, but C all the same: /proc/sys/net resolves to the namespace of the
// thread that opens the file, so reading another namespace's sysctls means
// switching one thread into it (setns) for the open, which node:fs cannot do;
// the alternative, spawning `ip netns exec ... sysctl`, is what this avoids.
// Compiled into the netlink_native addon (binding.gyp) beside the socket
// transport, with which it shares in_netns (common.c).
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

typedef struct { const char *path; char *buf; size_t len; int write; } file_op_t;

static int do_file_op(void *arg) {
  file_op_t *op = arg;
  int fd = open(op->path, (op->write ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = op->write ? write(fd, op->buf, op->len) : read(fd, op->buf, op->len - 1);
  int saved = errno;
  close(fd);
  errno = saved;
  if (n < 0) return -1;
  if (!op->write) op->buf[n] = 0;
  return 0;
}

static bool get_optional_string(napi_env env, napi_value v, char *out, size_t cap) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t != napi_string) return false;
  size_t len;
  napi_get_value_string_utf8(env, v, out, cap, &len);
  return true;
}

// fileInNetns(nsPath|null, path, data|null) -> file contents (read) or undefined (write)
napi_value FileInNetns(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char ns_path[4096], path[4096], data[4096];
  bool has_ns = get_optional_string(env, argv[0], ns_path, sizeof ns_path);
  get_optional_string(env, argv[1], path, sizeof path);
  bool writing = get_optional_string(env, argv[2], data, sizeof data);
  file_op_t op = {path, data, writing ? strlen(data) : sizeof data, writing};
  int err = 0;
  if (in_netns(has_ns ? ns_path : NULL, do_file_op, &op, &err) < 0) return throw_errno(env, path, err);
  if (writing) return NULL;
  napi_value result;
  napi_create_string_utf8(env, data, NAPI_AUTO_LENGTH, &result);
  return result;
}
