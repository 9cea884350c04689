#ifndef SRV6_AGENT_NATIVE_REALTIME_H
#define SRV6_AGENT_NATIVE_REALTIME_H
#include <node_api.h>
napi_value RealtimeThread(napi_env env, napi_callback_info info);
#endif
