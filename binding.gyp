{
  "targets": [
    {
      "target_name": "netlink_native",
      "sources": ["netlink/native/netlink.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"]
    }
  ]
}
