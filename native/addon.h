/* The pieces of spool's Node-API addon (addon.c puts them on one module object). */
#ifndef SPOOL_ADDON_H
#define SPOOL_ADDON_H
#include <node_api.h>

/* Adds crc32c(buffer) where the CPU has SSE4.2 (crc32c.c). */
void register_crc32c(napi_env env, napi_value exports);
/* Adds hugePageMemory(bytes) on Linux (huge-pages.c). */
void register_huge_pages(napi_env env, napi_value exports);

#endif
