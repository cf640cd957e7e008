{
  "targets": [
    {
      "target_name": "spool_native",
      "sources": ["native/crc32c.c"],
      "cflags": ["-O3", "-std=c11", "-Wall", "-Wextra"]
    }
  ]
}
