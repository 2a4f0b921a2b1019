/* A test plugin written in plain C against plugin.h only. Its behaviour is chosen at build
 * time by macros, so one source yields the good plugin and each kind of bad plugin the
 * loader must refuse. It proves the ABI is usable from C and exercises the host table:
 * timers, logging, config, services and RPC registration. */
#include <stdio.h>
#include <string.h>
#include <wgmesh/plugin.h>

#ifndef PROBE_NAME
#define PROBE_NAME "probe"
#endif
#ifndef PROBE_ABI_MAJOR
#define PROBE_ABI_MAJOR WGMESH_ABI_MAJOR
#endif
#ifndef PROBE_ABI_MINOR
#define PROBE_ABI_MINOR WGMESH_ABI_MINOR
#endif

typedef struct probe {
  const wgm_host_api* host;
  wgm_ctx* ctx;
  wgm_timer* timer;
  int ticks;
} probe;

static probe g_probe; /* one instance per loaded copy is all a test needs */

static void on_tick(void* user) {
  probe* p = (probe*)user;
  p->ticks++;
  if (p->ticks == 1) p->host->log(p->ctx, WGM_LOG_INFO, "probe timer fired");
}

static void on_config(void* user, const char* json, size_t len) {
  char line[256];
  (void)user;
  snprintf(line, sizeof line, "probe config: %.*s", (int)(len < 200 ? len : 200), json);
  g_probe.host->log(g_probe.ctx, WGM_LOG_INFO, line);
}

static void rpc_ticks(void* user, wgm_rpc_call* call, const char* params, size_t len) {
  probe* p = (probe*)user;
  char out[64];
  (void)params;
  (void)len;
  snprintf(out, sizeof out, "{\"ticks\":%d}", p->ticks);
  p->host->rpc_reply(p->ctx, call, out, strlen(out));
}

static int create(const wgm_host_api* host, wgm_ctx* ctx, void** instance) {
  memset(&g_probe, 0, sizeof g_probe);
  g_probe.host = host;
  g_probe.ctx = ctx;
  host->config_json(ctx, on_config, NULL);
  host->rpc_register(ctx, PROBE_NAME ".ticks", "timer ticks seen by the probe plugin", rpc_ticks,
                     &g_probe);
  *instance = &g_probe;
#ifdef PROBE_FAIL_CREATE
  return WGM_ERR_INVALID;
#else
  return WGM_OK;
#endif
}

static int start(void* instance) {
  probe* p = (probe*)instance;
  p->timer = p->host->timer_start(p->ctx, 10, 10, on_tick, p);
  p->host->log(p->ctx, WGM_LOG_INFO, "probe started");
  return p->timer ? WGM_OK : WGM_ERR_INTERNAL;
}

static void stop(void* instance) {
  probe* p = (probe*)instance;
  p->host->timer_stop(p->ctx, p->timer);
  p->timer = NULL;
  p->host->log(p->ctx, WGM_LOG_INFO, "probe stopped");
}

static void destroy(void* instance) { (void)instance; }

#ifdef PROBE_REQUIRES
static const char* const probe_requires[] = {PROBE_REQUIRES, NULL};
#define PROBE_REQUIRES_LIST probe_requires
#else
#define PROBE_REQUIRES_LIST NULL
#endif
static const char* const probe_provides[] = {PROBE_NAME "-capability", NULL};
static const char* const probe_config_keys[] = {"greeting", "interval_ms", NULL};

static const wgm_plugin_desc probe_desc = {
    sizeof(wgm_plugin_desc), PROBE_ABI_MAJOR, PROBE_ABI_MINOR, PROBE_NAME, "1.0.0",
    "test probe plugin", probe_provides, PROBE_REQUIRES_LIST, probe_config_keys, 0, 0,
    create, start, stop, destroy};

#ifndef PROBE_NO_ENTRY
WGM_EXPORT const wgm_plugin_desc* wgmesh_plugin_entry(void) { return &probe_desc; }
#else
WGM_EXPORT const wgm_plugin_desc* some_other_symbol(void) { return &probe_desc; }
#endif
