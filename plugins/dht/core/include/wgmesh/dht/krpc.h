// KRPC (BEP 5) message model with BEP 32 (IPv6: nodes6, want) and BEP 42 (ip) fields.
//
// decode_message() turns an untrusted datagram into a typed Message or a DecodeFailure
// that says whether the sender may get an error reply: only queries with a sane
// transaction ID are answered (203 malformed / 204 unknown method), never responses or
// errors, so two nodes can never loop error messages at each other.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "wgmesh/dht/bencode.h"
#include "wgmesh/dht/endpoint.h"
#include "wgmesh/dht/node_id.h"

namespace wgmesh::dht {

inline constexpr size_t kCompactNodeV4 = 26;  // id + 6-byte endpoint
inline constexpr size_t kCompactNodeV6 = 38;  // id + 18-byte endpoint
inline constexpr size_t kMaxTidLength = 16;   // longer transaction IDs are not "sane"
inline constexpr size_t kMaxTokenLength = 64;

// BEP 5 error codes.
inline constexpr int kErrGeneric = 201;
inline constexpr int kErrServer = 202;
inline constexpr int kErrProtocol = 203;
inline constexpr int kErrMethodUnknown = 204;

struct NodeInfo {
  NodeId id;
  Endpoint ep;
  bool operator==(const NodeInfo&) const = default;
};

enum class MessageType { Query, Response, Error };
enum class Method { Ping, FindNode, GetPeers, AnnouncePeer, Unknown };

const char* method_name(Method m);

struct Query {
  Method method = Method::Ping;
  NodeId id;           // a.id (sender)
  NodeId target;       // find_node
  InfoHash info_hash;  // get_peers, announce_peer
  std::string token;   // announce_peer
  uint16_t port = 0;   // announce_peer
  bool implied_port = false;
  bool want_n4 = false;  // BEP 32 "want"; absent means "same family as the socket"
  bool want_n6 = false;
  bool read_only = false;  // BEP 43 "ro": do not add the sender to routing tables
};

struct Response {
  NodeId id;
  std::vector<NodeInfo> nodes;   // IPv4 compact nodes
  std::vector<NodeInfo> nodes6;  // IPv6 compact nodes (BEP 32)
  std::vector<Endpoint> values;  // compact peers, 6 or 18 bytes each
  std::optional<std::string> token;
};

struct ErrorBody {
  int64_t code = kErrGeneric;
  std::string message;
};

struct Message {
  std::string tid;  // "t": opaque, echoed back
  MessageType type = MessageType::Query;
  std::string version;         // "v": client version, empty = absent
  std::optional<Endpoint> ip;  // BEP 42 "ip": the requester's address as the responder saw it
  Query query;                 // valid when type == Query
  Response response;           // valid when type == Response
  ErrorBody error;             // valid when type == Error
};

struct DecodeLimits {
  bencode::Limits bencode;
  size_t max_values = 256;  // peers accepted from one response
  size_t max_nodes = 64;    // per nodes / nodes6 key
};

struct DecodeFailure {
  int code = kErrProtocol;
  std::string reason;
  std::string tid;             // set only when reply_allowed
  bool reply_allowed = false;  // true only for queries with a sane tid
};

struct Decoded {
  std::optional<Message> message;
  DecodeFailure failure;  // meaningful when !message
  bool ok() const { return message.has_value(); }
};

Decoded decode_message(std::span<const uint8_t> datagram, const DecodeLimits& limits = {});

// Encoding never fails for a well-formed Message.
std::string encode_message(const Message& m);

// Convenience constructors.
Message make_query(std::string tid, Method method, const NodeId& self);
Message make_response(std::string tid, const NodeId& self);
Message make_error(std::string tid, int code, std::string message);

std::string encode_nodes(std::span<const NodeInfo> nodes);  // 26 or 38 bytes each, by family

}  // namespace wgmesh::dht
