{
  "targets": [
    {
      "target_name": "netlink_native",
      "sources": ["netlink/native/netlink.c", "netlink/native/sysctl.c", "netlink/native/common.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"]
    },
    {
      "target_name": "probe_native",
      "sources": ["agent/probe/native/probe.c", "netlink/native/common.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "libraries": ["-lpthread"]
    },
    {
      "target_name": "agent_native",
      "sources": ["agent/native/ticker.c", "agent/native/realtime.c", "netlink/native/common.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"]
    },
    {
      "target_name": "lab_traffic",
      "sources": ["hostsetup/lab/native/traffic.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "libraries": ["-lpthread"]
    }
  ]
}
