#include "wgmesh/dht/krpc.h"

#include <algorithm>
#include <utility>

namespace wgmesh::dht {

namespace bc = bencode;

const char* method_name(Method m) {
  switch (m) {
    case Method::Ping:
      return "ping";
    case Method::FindNode:
      return "find_node";
    case Method::GetPeers:
      return "get_peers";
    case Method::AnnouncePeer:
      return "announce_peer";
    case Method::Unknown:
      break;
  }
  return "unknown";
}

namespace {

Method parse_method(const std::string& q) {
  if (q == "ping") return Method::Ping;
  if (q == "find_node") return Method::FindNode;
  if (q == "get_peers") return Method::GetPeers;
  if (q == "announce_peer") return Method::AnnouncePeer;
  return Method::Unknown;
}

std::span<const uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

Decoded failure(std::string reason, int code = kErrProtocol, std::string tid = {},
                bool reply = false) {
  Decoded d;
  d.failure.code = code;
  d.failure.reason = std::move(reason);
  d.failure.reply_allowed = reply;
  if (reply) d.failure.tid = std::move(tid);
  return d;
}

bool read_id(const bc::Value& dict, const char* key, NodeId& out) {
  const std::string* s = dict.find_string(key);
  if (!s) return false;
  auto id = NodeId::from_string(*s);
  if (!id) return false;
  out = *id;
  return true;
}

bool parse_nodes(const std::string& blob, size_t record, size_t max, std::vector<NodeInfo>& out) {
  if (blob.size() % record != 0) return false;
  // More records than we want is not an error: the npm bittorrent-dht, for one, answers
  // with every node it knows that is close enough (70 and more in a big swarm). The first
  // `max` are kept, like the values of a get_peers reply.
  const size_t n = std::min(blob.size() / record, max);
  auto b = bytes_of(blob);
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    auto rec = b.subspan(i * record, record);
    auto ep = decode_compact(rec.subspan(NodeId::kSize));
    auto id = NodeId::from_bytes(rec.first(NodeId::kSize));
    out.push_back({*id, *ep});
  }
  return true;
}

Decoded parse_query(const bc::Value& root, Message& m, const DecodeLimits&) {
  const std::string* q = root.find_string("q");
  const bc::Value* a = root.find_dict("a");
  if (!q) return failure("query without 'q'", kErrProtocol, m.tid, true);
  Query& qu = m.query;
  qu.method = parse_method(*q);
  if (qu.method == Method::Unknown)
    return failure("unknown method", kErrMethodUnknown, m.tid, true);
  if (!a) return failure("query without 'a'", kErrProtocol, m.tid, true);
  if (!read_id(*a, "id", qu.id)) return failure("bad 'a.id'", kErrProtocol, m.tid, true);

  switch (qu.method) {
    case Method::FindNode:
      if (!read_id(*a, "target", qu.target))
        return failure("bad 'a.target'", kErrProtocol, m.tid, true);
      break;
    case Method::GetPeers:
      if (!read_id(*a, "info_hash", qu.info_hash))
        return failure("bad 'a.info_hash'", kErrProtocol, m.tid, true);
      break;
    case Method::AnnouncePeer: {
      if (!read_id(*a, "info_hash", qu.info_hash))
        return failure("bad 'a.info_hash'", kErrProtocol, m.tid, true);
      const std::string* tok = a->find_string("token");
      if (!tok || tok->empty() || tok->size() > kMaxTokenLength)
        return failure("bad 'a.token'", kErrProtocol, m.tid, true);
      qu.token = *tok;
      if (const int64_t* ip = a->find_int("implied_port")) qu.implied_port = *ip != 0;
      const int64_t* port = a->find_int("port");
      if (port) {
        if (*port < 0 || *port > 65535) return failure("bad 'a.port'", kErrProtocol, m.tid, true);
        qu.port = static_cast<uint16_t>(*port);
      }
      if (!qu.implied_port && (!port || *port == 0))
        return failure("announce_peer without port", kErrProtocol, m.tid, true);
      break;
    }
    default:
      break;
  }
  if (const bc::Value* want = a->find_list("want")) {
    for (const auto& w : want->as_list()) {
      if (!w.is_string()) continue;
      if (w.as_string() == "n4") qu.want_n4 = true;
      if (w.as_string() == "n6") qu.want_n6 = true;
    }
  }
  if (const int64_t* ro = a->find_int("ro")) qu.read_only = *ro != 0;
  Decoded d;
  d.message = std::move(m);
  return d;
}

Decoded parse_response(const bc::Value& root, Message& m, const DecodeLimits& lim) {
  const bc::Value* r = root.find_dict("r");
  if (!r) return failure("response without 'r'");
  Response& re = m.response;
  if (!read_id(*r, "id", re.id)) return failure("bad 'r.id'");
  if (const bc::Value* v = r->find("nodes")) {
    if (!v->is_string() || !parse_nodes(v->as_string(), kCompactNodeV4, lim.max_nodes, re.nodes))
      return failure("bad 'r.nodes'");
    for (const auto& n : re.nodes)
      if (!n.ep.is_v4()) return failure("bad 'r.nodes'");
  }
  if (const bc::Value* v = r->find("nodes6")) {
    if (!v->is_string() || !parse_nodes(v->as_string(), kCompactNodeV6, lim.max_nodes, re.nodes6))
      return failure("bad 'r.nodes6'");
  }
  if (const bc::Value* v = r->find("values")) {
    if (!v->is_list()) return failure("bad 'r.values'");
    for (const auto& item : v->as_list()) {
      if (re.values.size() >= lim.max_values) break;  // the rest is ignored, not an error
      if (!item.is_string()) continue;                // tolerate junk entries, keep the rest
      if (auto ep = decode_compact(bytes_of(item.as_string()))) re.values.push_back(*ep);
    }
  }
  if (const bc::Value* v = r->find("token")) {
    if (!v->is_string() || v->as_string().size() > kMaxTokenLength) return failure("bad 'r.token'");
    re.token = v->as_string();
  }
  Decoded d;
  d.message = std::move(m);
  return d;
}

Decoded parse_error(const bc::Value& root, Message& m) {
  const bc::Value* e = root.find_list("e");
  if (!e || e->as_list().empty() || !e->as_list()[0].is_int()) return failure("bad 'e'");
  m.error.code = e->as_list()[0].as_int();
  if (e->as_list().size() > 1 && e->as_list()[1].is_string())
    m.error.message = e->as_list()[1].as_string();
  Decoded d;
  d.message = std::move(m);
  return d;
}

}  // namespace

Decoded decode_message(std::span<const uint8_t> datagram, const DecodeLimits& limits) {
  auto parsed = bc::decode(datagram, limits.bencode);
  if (!parsed) return failure(parsed.message());
  const bc::Value& root = *parsed;
  if (!root.is_dict()) return failure("top level is not a dict");

  Message m;
  const std::string* t = root.find_string("t");
  if (!t || t->empty() || t->size() > kMaxTidLength) return failure("missing or insane 't'");
  m.tid = *t;
  const std::string* y = root.find_string("y");
  if (!y || y->size() != 1) {
    // We cannot tell a query from a response, so do not reply (no error ping-pong).
    return failure("missing or bad 'y'");
  }
  if (const std::string* v = root.find_string("v")) m.version = *v;
  if (const std::string* ip = root.find_string("ip")) m.ip = decode_compact(bytes_of(*ip));

  switch ((*y)[0]) {
    case 'q':
      m.type = MessageType::Query;
      return parse_query(root, m, limits);
    case 'r':
      m.type = MessageType::Response;
      return parse_response(root, m, limits);
    case 'e':
      m.type = MessageType::Error;
      return parse_error(root, m);
    default:
      return failure("unknown 'y'");
  }
}

std::string encode_nodes(std::span<const NodeInfo> nodes) {
  std::string out;
  for (const auto& n : nodes) {
    out += n.id.raw();
    out += encode_compact(n.ep);
  }
  return out;
}

std::string encode_message(const Message& m) {
  bc::Dict root;
  root.emplace_back("t", m.tid);
  if (!m.version.empty()) root.emplace_back("v", m.version);
  if (m.ip) root.emplace_back("ip", encode_compact(*m.ip));
  switch (m.type) {
    case MessageType::Query: {
      const Query& q = m.query;
      root.emplace_back("y", "q");
      root.emplace_back("q", method_name(q.method));
      bc::Dict a;
      a.emplace_back("id", q.id.raw());
      switch (q.method) {
        case Method::FindNode:
          a.emplace_back("target", q.target.raw());
          break;
        case Method::GetPeers:
          a.emplace_back("info_hash", q.info_hash.raw());
          break;
        case Method::AnnouncePeer:
          a.emplace_back("info_hash", q.info_hash.raw());
          a.emplace_back("token", q.token);
          a.emplace_back("port", static_cast<int64_t>(q.port));
          // implied_port is only sent when set: Go's library omits it, and omitting it
          // is equivalent to 0 for every implementation.
          if (q.implied_port) a.emplace_back("implied_port", int64_t{1});
          break;
        default:
          break;
      }
      if (q.want_n4 || q.want_n6) {
        bc::List want;
        if (q.want_n4) want.emplace_back("n4");
        if (q.want_n6) want.emplace_back("n6");
        a.emplace_back("want", std::move(want));
      }
      if (q.read_only) a.emplace_back("ro", int64_t{1});
      root.emplace_back("a", std::move(a));
      break;
    }
    case MessageType::Response: {
      const Response& r = m.response;
      root.emplace_back("y", "r");
      bc::Dict rd;
      rd.emplace_back("id", r.id.raw());
      if (!r.nodes.empty()) rd.emplace_back("nodes", encode_nodes(r.nodes));
      if (!r.nodes6.empty()) rd.emplace_back("nodes6", encode_nodes(r.nodes6));
      if (!r.values.empty()) {
        bc::List vals;
        for (const auto& v : r.values) vals.emplace_back(encode_compact(v));
        rd.emplace_back("values", std::move(vals));
      }
      if (r.token) rd.emplace_back("token", *r.token);
      root.emplace_back("r", std::move(rd));
      break;
    }
    case MessageType::Error: {
      root.emplace_back("y", "e");
      bc::List e;
      e.emplace_back(m.error.code);
      e.emplace_back(m.error.message);
      root.emplace_back("e", std::move(e));
      break;
    }
  }
  return bc::encode(bc::Value(std::move(root)));
}

Message make_query(std::string tid, Method method, const NodeId& self) {
  Message m;
  m.tid = std::move(tid);
  m.type = MessageType::Query;
  m.query.method = method;
  m.query.id = self;
  return m;
}

Message make_response(std::string tid, const NodeId& self) {
  Message m;
  m.tid = std::move(tid);
  m.type = MessageType::Response;
  m.response.id = self;
  return m;
}

Message make_error(std::string tid, int code, std::string message) {
  Message m;
  m.tid = std::move(tid);
  m.type = MessageType::Error;
  m.error.code = code;
  m.error.message = std::move(message);
  return m;
}

}  // namespace wgmesh::dht
