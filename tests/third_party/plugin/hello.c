/* Third-party plugin built out of tree against the installed <wgmesh/plugin.h> only.
 * It reads its config table, runs a repeating timer, logs through the host, and offers an
 * RPC method — the pieces a discovery plugin needs from the host table. */
#include <stdio.h>
#include <string.h>
#include <wgmesh/plugin.h>

typedef struct hello {
  const wgm_host_api* host;
  wgm_ctx* ctx;
  wgm_timer* timer;
  int ticks;
  char greeting[128];
} hello;

static hello g_hello;

static void on_config(void* user, const char* json, size_t len) {
  hello* h = (hello*)user;
  /* Tiny extraction of "greeting":"..." — a real plugin would use a JSON parser. */
  const char* key = "\"greeting\":\"";
  const char* at = strstr(json, key);
  (void)len;
  if (at) {
    at += strlen(key);
    size_t n = 0;
    while (at[n] && at[n] != '"' && n + 1 < sizeof h->greeting) n++;
    memcpy(h->greeting, at, n);
    h->greeting[n] = 0;
  }
}

static void on_tick(void* user) {
  hello* h = (hello*)user;
  char line[200];
  h->ticks++;
  if (h->ticks == 3) {
    snprintf(line, sizeof line, "hello timer fired %d times: %s", h->ticks, h->greeting);
    h->host->log(h->ctx, WGM_LOG_INFO, line);
  }
}

static void rpc_hello(void* user, wgm_rpc_call* call, const char* params, size_t len) {
  hello* h = (hello*)user;
  char out[200];
  (void)params;
  (void)len;
  snprintf(out, sizeof out, "{\"greeting\":\"%s\",\"ticks\":%d}", h->greeting, h->ticks);
  h->host->rpc_reply(h->ctx, call, out, strlen(out));
}

static int create(const wgm_host_api* host, wgm_ctx* ctx, void** instance) {
  memset(&g_hello, 0, sizeof g_hello);
  g_hello.host = host;
  g_hello.ctx = ctx;
  strcpy(g_hello.greeting, "hello");
  host->config_json(ctx, on_config, &g_hello);
  if (host->rpc_register(ctx, "hello.status", "greeting and tick count", rpc_hello, &g_hello) != WGM_OK)
    return WGM_ERR_INTERNAL;
  *instance = &g_hello;
  return WGM_OK;
}

static int start(void* instance) {
  hello* h = (hello*)instance;
  h->timer = h->host->timer_start(h->ctx, 20, 20, on_tick, h);
  return h->timer ? WGM_OK : WGM_ERR_INTERNAL;
}

static void stop(void* instance) {
  hello* h = (hello*)instance;
  h->host->timer_stop(h->ctx, h->timer);
  h->timer = NULL;
}

static void destroy(void* instance) { (void)instance; }

static const char* const config_keys[] = {"greeting", NULL};

static const wgm_plugin_desc desc = {
    sizeof(wgm_plugin_desc), WGMESH_ABI_MAJOR, WGMESH_ABI_MINOR, "hello", "0.1.0",
    "third-party example plugin", NULL, NULL, config_keys, 0, 0, create, start, stop, destroy};

WGM_EXPORT const wgm_plugin_desc* wgmesh_plugin_entry(void) { return &desc; }
