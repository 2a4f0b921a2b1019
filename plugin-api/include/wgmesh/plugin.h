/*
 * wgmesh plugin ABI — the one stable boundary between the wgmesh host (wgmeshd) and its
 * plugins (wgmesh-<name>.so). Plain C, usable from C and C++.
 *
 * Rules (details in plugin-api/README.md):
 *  - A plugin exports exactly one symbol, WGMESH_PLUGIN_ENTRY_SYMBOL ("wgmesh_plugin_entry"),
 *    which returns a pointer to a static, immutable wgm_plugin_desc.
 *  - Both tables (the plugin's descriptor and the host's function table) start with
 *    struct_size and the ABI major/minor. Minor versions only APPEND members; a plugin built
 *    against ABI 1.x loads in any host 1.y with y >= x. A plugin must not call a host member
 *    that lies beyond host->struct_size (use WGM_HOST_HAS()).
 *  - Structured records (peer info, config, RPC params/results, local node) cross as UTF-8
 *    JSON text with an explicit length. New fields can be added without an ABI break.
 *  - No ownership transfer: whoever allocates frees. Data the host hands to a plugin in a
 *    callback is borrowed for the duration of that callback only; copy what you keep.
 *    Data a plugin passes to the host is copied by the host before the call returns.
 *  - No C++ exceptions cross this boundary (all plugin entry points must be noexcept in
 *    effect). Return WGM_OK / a negative wgm_status instead.
 *  - Every call in both directions happens on the host's single loop thread, except the
 *    `work` function of wgm_host_api.work_submit, which runs on a worker thread and must
 *    not call the host table. Nothing may block the loop: use timers, fd watches and the
 *    work queue.
 */
#ifndef WGMESH_PLUGIN_H
#define WGMESH_PLUGIN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WGMESH_ABI_MAJOR 1
#define WGMESH_ABI_MINOR 0

#define WGMESH_PLUGIN_ENTRY_SYMBOL "wgmesh_plugin_entry"

#if defined(__GNUC__)
#define WGM_EXPORT __attribute__((visibility("default")))
#else
#define WGM_EXPORT
#endif

/* ---- status codes --------------------------------------------------------------------- */
typedef enum wgm_status {
  WGM_OK = 0,
  WGM_ERR_INVALID = -1,     /* bad argument or malformed JSON */
  WGM_ERR_NOT_FOUND = -2,   /* no such peer / service / method */
  WGM_ERR_IO = -3,          /* socket or file error (errno is logged by the host) */
  WGM_ERR_EXISTS = -4,      /* already registered */
  WGM_ERR_UNSUPPORTED = -5, /* feature not available in this host or build */
  WGM_ERR_LIMIT = -6,       /* a size or count cap was hit (peer cap, buffer, rate) */
  WGM_ERR_STATE = -7,       /* call not allowed now (e.g. before start) */
  WGM_ERR_AUTH = -8,        /* envelope failed to authenticate / was replayed */
  WGM_ERR_INTERNAL = -9
} wgm_status;

typedef enum wgm_log_level {
  WGM_LOG_DEBUG = 0,
  WGM_LOG_INFO = 1,
  WGM_LOG_WARN = 2,
  WGM_LOG_ERROR = 3
} wgm_log_level;

/* ---- opaque handles --------------------------------------------------------------------- */
typedef struct wgm_ctx wgm_ctx;         /* one per loaded plugin, owned by the host */
typedef struct wgm_timer wgm_timer;     /* a running timer */
typedef struct wgm_udp wgm_udp;         /* a UDP socket on the host loop */
typedef struct wgm_watch wgm_watch;     /* an fd watch */
typedef struct wgm_sub wgm_sub;         /* a peer-store or local-node subscription */
typedef struct wgm_rpc_call wgm_rpc_call; /* an in-flight RPC request awaiting a reply */

/* A borrowed read-only buffer handed to a callback. */
typedef void (*wgm_json_cb)(void* user, const char* json, size_t len);

/* ---- timers ----------------------------------------------------------------------------- */
typedef void (*wgm_timer_cb)(void* user);

/* ---- UDP ---------------------------------------------------------------------------------- */
typedef void (*wgm_udp_recv_cb)(void* user, const uint8_t* data, size_t len,
                                const struct sockaddr* from, socklen_t from_len);

enum wgm_udp_flags {
  WGM_UDP_REUSEADDR = 1u << 0, /* SO_REUSEADDR (+SO_REUSEPORT), e.g. for multicast listeners */
  WGM_UDP_V6ONLY = 1u << 1,    /* IPV6_V6ONLY on an AF_INET6 socket */
  WGM_UDP_NO_RECV = 1u << 2    /* send-only socket, no read callback is installed */
};

typedef struct wgm_udp_options {
  uint32_t struct_size;
  int family;            /* AF_INET or AF_INET6 */
  const char* bind_addr; /* numeric address text; NULL = wildcard */
  uint16_t port;         /* 0 = ephemeral */
  uint32_t flags;        /* wgm_udp_flags */
  int recv_buffer;       /* SO_RCVBUF in bytes; 0 = system default */
  size_t max_datagram;   /* read buffer; larger datagrams are dropped and counted; 0 = 65536 */
} wgm_udp_options;

typedef enum wgm_udp_option {
  WGM_UDP_OPT_MCAST_TTL = 1,  /* IP_MULTICAST_TTL / IPV6_MULTICAST_HOPS */
  WGM_UDP_OPT_MCAST_LOOP = 2, /* IP_MULTICAST_LOOP / IPV6_MULTICAST_LOOP (0/1) */
  WGM_UDP_OPT_TTL = 3         /* IP_TTL / IPV6_UNICAST_HOPS */
} wgm_udp_option;

/* ---- fd watch ----------------------------------------------------------------------------- */
enum wgm_fd_events { WGM_FD_READABLE = 1, WGM_FD_WRITABLE = 2, WGM_FD_ERROR = 4 };
typedef void (*wgm_fd_cb)(void* user, int fd, int events);

/* ---- work queue --------------------------------------------------------------------------- */
typedef void (*wgm_work_fn)(void* user);           /* worker thread; MUST NOT call the host */
typedef void (*wgm_work_done_fn)(void* user, int cancelled); /* back on the loop thread */

/* ---- peer store ----------------------------------------------------------------------------- */
/* Source classes replace the original's label-substring rules (daemon.md §4.3, §15.1). */
typedef enum wgm_source_class {
  WGM_SOURCE_LAN = 1,        /* same L2/L3 segment; never relayed; refreshes liveness */
  WGM_SOURCE_DIRECT = 2,     /* authenticated first-hand exchange; refreshes liveness */
  WGM_SOURCE_RENDEZVOUS = 3, /* punched path confirmed by a handshake; refreshes liveness */
  WGM_SOURCE_TRANSITIVE = 4, /* second-hand (known_peers); does NOT refresh liveness */
  WGM_SOURCE_CACHE = 5       /* restored from disk; does NOT refresh liveness */
} wgm_source_class;

typedef enum wgm_peer_event {
  WGM_PEER_NEW = 1,
  WGM_PEER_UPDATED = 2,
  WGM_PEER_REMOVED = 3
} wgm_peer_event;

typedef void (*wgm_peer_event_cb)(void* user, wgm_peer_event kind, const char* pubkey);

enum wgm_peer_list_flags { WGM_PEERS_ACTIVE_ONLY = 1u << 0 };

/* ---- local node --------------------------------------------------------------------------- */
typedef void (*wgm_local_changed_cb)(void* user); /* pubkey, IPs, routes, endpoint or NAT changed */

/* ---- control channel ---------------------------------------------------------------------- */
/* A handler for a message type on the control channel (the UDP socket on the gossip port).
 * The envelope has already been opened, freshness-checked and replay-filtered by the host.
 * `retransmission` is 1 when the identical datagram from the same source was seen seconds ago
 * (Go peers resend HELLOs while punching): answer again if cheap, but change no state. */
typedef void (*wgm_control_cb)(void* user, const char* type, const char* payload, size_t len,
                               const struct sockaddr* from, socklen_t from_len,
                               int retransmission);

/* Result of an exchange (HELLO → REPLY). status WGM_OK: `peer_json` is the peer as stored. */
typedef void (*wgm_exchange_cb)(void* user, int status, const char* peer_json, size_t len);

enum wgm_exchange_flags {
  WGM_EXCHANGE_PUNCH = 1u << 0 /* resend the same HELLO every 100 ms until a REPLY (punching) */
};

/* ---- envelope ------------------------------------------------------------------------------ */
enum wgm_open_flags {
  WGM_OPEN_STRICT = 1u << 0,   /* payload must be a valid PeerAnnouncement (crypto.md §6.6) */
  WGM_OPEN_NO_REPLAY = 1u << 1 /* skip the replay cache (e.g. re-reading a registry text) */
};
typedef void (*wgm_open_cb)(void* user, const char* type, const char* payload, size_t len);

/* ---- services between plugins ------------------------------------------------------------ */
/* A named service: request and reply are JSON. The provider replies synchronously by calling
 * `reply(reply_user, json, len)` at most once before returning. */
typedef int (*wgm_service_fn)(void* user, const char* request, size_t len, wgm_json_cb reply,
                              void* reply_user);

/* ---- RPC --------------------------------------------------------------------------------- */
/* An RPC method handler. Reply now or later with rpc_reply / rpc_error (exactly once). */
typedef void (*wgm_rpc_handler)(void* user, wgm_rpc_call* call, const char* params, size_t len);
/* Completion of rpc_dispatch (used by transports such as the rpc plugin). `is_error` = 1:
 * json is {"code":N,"message":"..."}; otherwise json is the result value. */
typedef void (*wgm_rpc_done_cb)(void* user, int is_error, const char* json, size_t len);

/* ==== The host function table ============================================================= */
typedef struct wgm_host_api {
  uint32_t struct_size;
  uint16_t abi_major;
  uint16_t abi_minor;

  /* --- logging & clocks --- */
  void (*log)(wgm_ctx* ctx, wgm_log_level level, const char* message);
  uint64_t (*monotonic_ms)(wgm_ctx* ctx);
  int64_t (*wall_ms)(wgm_ctx* ctx); /* Unix epoch milliseconds */

  /* --- configuration --- */
  /* The plugin's own [plugins.<name>] table as a JSON object ({} when absent). */
  void (*config_json)(wgm_ctx* ctx, wgm_json_cb cb, void* user);
  /* Directory for persistent state (exists, mode 0700). Borrowed; valid until destroy. */
  const char* (*state_dir)(wgm_ctx* ctx);
  /* Node-wide settings a plugin may read: {"interface","listen_port","no_ipv6","introducer",
   * "force_relay","no_punching","log_level",...} */
  void (*node_settings_json)(wgm_ctx* ctx, wgm_json_cb cb, void* user);

  /* --- timers (repeat_ms 0 = one-shot; the handle stays valid until timer_stop) --- */
  wgm_timer* (*timer_start)(wgm_ctx* ctx, uint64_t first_ms, uint64_t repeat_ms, wgm_timer_cb cb,
                            void* user);
  void (*timer_stop)(wgm_ctx* ctx, wgm_timer* timer); /* stops and frees; NULL is a no-op */

  /* --- UDP sockets --- */
  int (*udp_open)(wgm_ctx* ctx, const wgm_udp_options* options, wgm_udp_recv_cb cb, void* user,
                  wgm_udp** out);
  int (*udp_send)(wgm_ctx* ctx, wgm_udp* sock, const struct sockaddr* to, socklen_t to_len,
                  const uint8_t* data, size_t len);
  /* Join/leave a multicast group. ifname NULL = every up, multicast-capable interface. */
  int (*udp_join)(wgm_ctx* ctx, wgm_udp* sock, const char* group, const char* ifname);
  int (*udp_leave)(wgm_ctx* ctx, wgm_udp* sock, const char* group, const char* ifname);
  int (*udp_set_option)(wgm_ctx* ctx, wgm_udp* sock, wgm_udp_option option, int value);
  /* Send a multicast datagram out of every up, multicast-capable interface (or one). */
  int (*udp_send_multicast)(wgm_ctx* ctx, wgm_udp* sock, const char* group, uint16_t port,
                            const char* ifname, const uint8_t* data, size_t len);
  int (*udp_local_port)(wgm_ctx* ctx, wgm_udp* sock);
  void (*udp_close)(wgm_ctx* ctx, wgm_udp* sock); /* NULL is a no-op */

  /* --- fd watches (for libraries with their own sockets) --- */
  wgm_watch* (*fd_watch)(wgm_ctx* ctx, int fd, int events, wgm_fd_cb cb, void* user);
  void (*fd_unwatch)(wgm_ctx* ctx, wgm_watch* watch);

  /* --- blocking work off the loop --- */
  int (*work_submit)(wgm_ctx* ctx, wgm_work_fn work, wgm_work_done_fn done, void* user);

  /* --- keys: derived material only, never the raw secret --- */
  /* name: "gossip_port", "multicast_group" (text "a.b.c.d"), "lan_port", "network_id_tag"
   * (16 hex), "rendezvous_id" (16 hex), "mesh_subnet" (CIDR text), "mesh_prefix_v6" (CIDR
   * text), "probe_port". Writes NUL-terminated text into buf; returns the text length, or a
   * negative wgm_status (WGM_ERR_LIMIT if cap is too small). */
  int (*key_value)(wgm_ctx* ctx, const char* name, char* buf, size_t cap);
  /* The 20-byte hourly DHT infohash for the hour containing unix_seconds (crypto.md §4.1). */
  int (*hourly_infohash)(wgm_ctx* ctx, int64_t unix_seconds, uint8_t out[20]);
  /* HMAC-SHA-256 keyed with the epoch seed (Dandelion relay choice). */
  int (*epoch_hmac)(wgm_ctx* ctx, const uint8_t* msg, size_t len, uint8_t out[32]);
  /* Seal a payload (JSON object text) into an envelope datagram; cb receives the bytes. */
  int (*envelope_seal)(wgm_ctx* ctx, const char* type, const char* payload, size_t len,
                       wgm_json_cb cb, void* user);
  /* Open an envelope: authenticate, check freshness (and replay, unless NO_REPLAY) and, with
   * STRICT, validate the announcement. cb is called only on success. */
  int (*envelope_open)(wgm_ctx* ctx, const uint8_t* data, size_t len, uint32_t flags,
                       const struct sockaddr* from, socklen_t from_len, wgm_open_cb cb,
                       void* user);
  /* The local node's announcement payload (JSON, Go field order), ready to seal.
   * max_known_peers: how many known_peers to include (0 = none). */
  void (*local_announcement)(wgm_ctx* ctx, uint32_t max_known_peers, wgm_json_cb cb, void* user);

  /* --- local node --- */
  /* {"wg_pubkey","hostname","mesh_ip","mesh_ipv6","endpoint","nat_type","introducer",
   *  "routable_networks":[...],"listen_port"} */
  void (*local_node_json)(wgm_ctx* ctx, wgm_json_cb cb, void* user);
  /* Propose the advertised endpoint ("ip:port"); `source` names who learned it ("stun",
   * "reflected", "ipv6-scan"). The host applies its precedence policy. */
  int (*local_set_endpoint)(wgm_ctx* ctx, const char* endpoint, const char* source);
  int (*local_set_nat_type)(wgm_ctx* ctx, const char* nat_type); /* cone|symmetric|unknown */
  wgm_sub* (*local_subscribe)(wgm_ctx* ctx, wgm_local_changed_cb cb, void* user);

  /* --- peer store --- */
  /* Register a method label (e.g. "lan", "dht", "dht-transitive") with its endpoint rank
   * (0-100) and class before reporting with it. Labels are global; re-registering the same
   * label with the same rank/class is fine. */
  int (*peer_register_source)(wgm_ctx* ctx, const char* label, int rank, wgm_source_class cls);
  /* Report a peer. JSON keys (presence matters; absent = not reported): wg_pubkey (required),
   * hostname, mesh_ip, mesh_ipv6, endpoint, introducer, routable_networks, nat_type,
   * last_seen (unix s; honoured only for non-refreshing classes). */
  int (*peer_report)(wgm_ctx* ctx, const char* label, const char* peer_json, size_t len);
  int (*peer_remove)(wgm_ctx* ctx, const char* pubkey, const char* reason);
  /* One peer as JSON: the RPC PeerInfo members (pubkey, hostname, mesh_ip, endpoint,
   * last_seen, discovered_via, routable_networks, latency_ms) plus mesh_ipv6, introducer,
   * nat_type, endpoint_source, active, last_seen_unix and WireGuard's facts
   * (last_handshake_unix, rx_bytes, tx_bytes, configured). WGM_ERR_NOT_FOUND if unknown. */
  int (*peer_get)(wgm_ctx* ctx, const char* pubkey, wgm_json_cb cb, void* user);
  void (*peer_list)(wgm_ctx* ctx, uint32_t flags, wgm_json_cb cb, void* user); /* JSON array */
  size_t (*peer_count)(wgm_ctx* ctx, uint32_t flags);
  wgm_sub* (*peer_subscribe)(wgm_ctx* ctx, wgm_peer_event_cb cb, void* user);
  void (*unsubscribe)(wgm_ctx* ctx, wgm_sub* sub); /* for peer and local subscriptions */
  /* Ask for a reconcile soon (coalesced). Reports already trigger one; this is for plugins
   * that changed something the host cannot see. */
  void (*request_reconcile)(wgm_ctx* ctx);

  /* --- control channel (UDP on the gossip port; HELLO/REPLY/GOODBYE are the host's) --- */
  int (*control_register)(wgm_ctx* ctx, const char* type, wgm_control_cb cb, void* user);
  /* Seal `payload` as `type` and send it from the control socket. */
  int (*control_send)(wgm_ctx* ctx, const char* type, const char* payload, size_t len,
                      const struct sockaddr* to, socklen_t to_len);
  /* HELLO → REPLY exchange with an address; stores the peer (label "dht" unless another
   * registered label is given) and calls cb once (timeout: WGM_ERR_IO). */
  int (*control_exchange)(wgm_ctx* ctx, const struct sockaddr* to, socklen_t to_len,
                          uint32_t flags, uint32_t timeout_ms, const char* label,
                          wgm_exchange_cb cb, void* user);

  /* --- named services between plugins --- */
  int (*service_register)(wgm_ctx* ctx, const char* name, wgm_service_fn fn, void* user);
  int (*service_call)(wgm_ctx* ctx, const char* name, const char* request, size_t len,
                      wgm_json_cb reply, void* reply_user);

  /* --- RPC: owners register methods; transports dispatch --- */
  int (*rpc_register)(wgm_ctx* ctx, const char* method, const char* description,
                      wgm_rpc_handler handler, void* user);
  int (*rpc_reply)(wgm_ctx* ctx, wgm_rpc_call* call, const char* result_json, size_t len);
  int (*rpc_error)(wgm_ctx* ctx, wgm_rpc_call* call, int code, const char* message);
  int (*rpc_dispatch)(wgm_ctx* ctx, const char* method, const char* params, size_t len,
                      wgm_rpc_done_cb done, void* user);

  /* --- metrics --- */
  /* Add to a counter named "<plugin>.<name>" (created on first use). */
  void (*counter_add)(wgm_ctx* ctx, const char* name, uint64_t delta);
  void (*gauge_set)(wgm_ctx* ctx, const char* name, int64_t value);

  /* --- escape hatch: the host's native libuv loop (uv_loop_t*) --- */
  /* Returns NULL unless the plugin declared WGM_PLUGIN_NEEDS_UV_LOOP with a matching libuv
   * major version (the loader refuses such plugins otherwise). */
  void* (*native_uv_loop)(wgm_ctx* ctx);
} wgm_host_api;

/* True if the host table has member `m` (appended members of newer minors). */
#define WGM_HOST_HAS(host, m) \
  ((host) != NULL && (host)->struct_size >= offsetof(wgm_host_api, m) + sizeof((host)->m) && \
   (host)->m != NULL)

/* ==== The plugin descriptor ================================================================ */
enum wgm_plugin_flags {
  WGM_PLUGIN_NEEDS_UV_LOOP = 1u << 0 /* uses native_uv_loop; uv_major must match the host's */
};

typedef struct wgm_plugin_desc {
  uint32_t struct_size;
  uint16_t abi_major; /* WGMESH_ABI_MAJOR the plugin was built against */
  uint16_t abi_minor; /* WGMESH_ABI_MINOR the plugin was built against */
  const char* name;   /* "dht" → config table [plugins.dht]; must match [a-z0-9_-]+ */
  const char* version;
  const char* description;
  const char* const* provides; /* NULL-terminated capability names, or NULL */
  const char* const* requirements; /* NULL-terminated capability names this plugin needs, or NULL
                                    * (not named "requires": that is a C++20 keyword) */
  /* NULL-terminated list of the config keys the plugin accepts; the host reports any other
   * key in [plugins.<name>] as an error with file and line. NULL = accepts no keys. */
  const char* const* config_keys;
  uint32_t flags;    /* wgm_plugin_flags */
  uint32_t uv_major; /* libuv major version, when WGM_PLUGIN_NEEDS_UV_LOOP */

  /* Create the instance. Validate config here (config_json). Register sources, services,
   * RPC methods and control handlers here. Must not start network activity yet. */
  int (*create)(const wgm_host_api* host, wgm_ctx* ctx, void** instance);
  /* Start: open sockets, start timers. Called in dependency order. */
  int (*start)(void* instance);
  /* Stop: say goodbye, persist state, close sockets and timers. Reverse order. */
  void (*stop)(void* instance);
  /* Free everything the plugin allocated. */
  void (*destroy)(void* instance);
} wgm_plugin_desc;

typedef const wgm_plugin_desc* (*wgm_plugin_entry_fn)(void);

/* Every plugin defines this, e.g.:
 *   WGM_EXPORT const wgm_plugin_desc* wgmesh_plugin_entry(void) { return &my_desc; }   */
WGM_EXPORT const wgm_plugin_desc* wgmesh_plugin_entry(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WGMESH_PLUGIN_H */
