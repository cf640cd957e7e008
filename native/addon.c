/*
 * spool's Node-API addon: the few things that plain Node does too slowly or not at all. Each
 * function is exported only where it works; the JavaScript side falls back when it is missing
 * (src/common/native-addon.ts).
 */
#include "addon.h"

static napi_value init(napi_env env, napi_value exports) {
  register_crc32c(env, exports);
  register_huge_pages(env, exports);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
