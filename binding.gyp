{
  "targets": [
    {
      "target_name": "spool_native",
      "sources": ["native/addon.c", "native/crc32c.c", "native/huge-pages.c"],
      "cflags": ["-O3", "-std=c11", "-Wall", "-Wextra"]
    }
  ]
}
