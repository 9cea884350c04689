// Helpers shared by the C files of the netlink_native addon (netlink.c: the
// netlink socket transport; sysctl.c: sysctl files of a namespace).
#ifndef SRV6_NETLINK_NATIVE_COMMON_H
#define SRV6_NETLINK_NATIVE_COMMON_H

#include <node_api.h>

// Throws a JS Error "<syscall>: <strerror>" carrying errno and syscall; returns NULL.
napi_value throw_errno(napi_env env, const char *syscall, int err);

int get_int(napi_env env, napi_value v, int32_t *out);

// Runs fn with this thread switched into the namespace at ns_path (NULL: no switch),
// then back. Returns fn's result; on failure -1 with *err set.
int in_netns(const char *ns_path, int (*fn)(void *), void *arg, int *err);

// sysctl.c: fileInNetns(nsPath|null, path, data|null)
napi_value FileInNetns(napi_env env, napi_callback_info info);

#endif
