// Value types shared by every WireGuard backend: keys, IP prefixes, endpoints, and the
// device/peer records that describe a change (DeviceUpdate) or a snapshot (DeviceState).
// They are backend-neutral on purpose: the UAPI text protocol and the kernel's generic
// netlink family carry the same information, so reconcile code never sees either format.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace wgmesh::wg {

inline constexpr std::size_t kKeyLen = 32;

// A Curve25519 key (private, public or preshared). Every instance is wiped on destruction:
// the type does not know which kind of key it holds, and wiping public keys costs nothing.
class Key {
 public:
  Key() = default;  // all zero: "no key"
  explicit Key(const std::array<uint8_t, kKeyLen>& bytes) : bytes_(bytes) {}
  Key(const Key&) = default;
  Key(Key&&) = default;
  Key& operator=(const Key&) = default;
  Key& operator=(Key&&) = default;
  ~Key();

  // Standard base64 with padding, exactly 44 characters (the `wg` format).
  static Result<Key> from_base64(std::string_view text);
  // 64 hex digits, either case (the UAPI format).
  static Result<Key> from_hex(std::string_view text);
  static Key from_bytes(const uint8_t* data);  // reads exactly kKeyLen bytes

  // A fresh random private key, already clamped (as `wg genkey` produces).
  static Key generate_private();

  // Treats *this as a private key and derives its public key (X25519 with the base point).
  Key public_key() const;
  // Treats *this as a private key and applies the Curve25519 clamping that WireGuard applies
  // when a key is set; needed to compare a configured key with the one read back.
  Key clamped() const;

  std::string to_base64() const;
  std::string to_hex() const;
  bool is_zero() const;

  const std::array<uint8_t, kKeyLen>& bytes() const { return bytes_; }
  const uint8_t* data() const { return bytes_.data(); }
  uint8_t* data() { return bytes_.data(); }

  friend bool operator==(const Key&, const Key&) = default;
  friend auto operator<=>(const Key&, const Key&) = default;

 private:
  std::array<uint8_t, kKeyLen> bytes_{};
};

struct KeyHash {
  std::size_t operator()(const Key& k) const noexcept;
};

// An IPv4 or IPv6 address (no zone).
class IpAddress {
 public:
  IpAddress() = default;  // 0.0.0.0
  static IpAddress v4(const in_addr& a);
  static IpAddress v6(const in6_addr& a);
  // Builds from raw network-order bytes; `len` must be 4 or 16.
  static Result<IpAddress> from_bytes(int family, const void* data, std::size_t len);
  static Result<IpAddress> parse(std::string_view text);

  int family() const { return family_; }  // AF_INET or AF_INET6
  bool is_v4() const { return family_ == AF_INET; }
  std::size_t size() const { return is_v4() ? 4 : 16; }
  const uint8_t* data() const { return bytes_.data(); }
  uint8_t* data() { return bytes_.data(); }
  bool is_zero() const;
  std::string to_string() const;

  friend bool operator==(const IpAddress&, const IpAddress&) = default;
  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;

 private:
  int family_ = AF_INET;
  std::array<uint8_t, 16> bytes_{};  // only the first size() bytes are used (rest zero)
};

// An address with a prefix length: an allowed-IP, a route destination, or (non-canonical)
// an interface address such as 100.64.1.2/16.
struct IpPrefix {
  IpAddress address;
  uint8_t length = 0;

  // "a.b.c.d/n", "x::y/n", or a bare address (host prefix /32 or /128, as the kernel shows it).
  static Result<IpPrefix> parse(std::string_view text);

  int family() const { return address.family(); }
  uint8_t max_length() const { return address.is_v4() ? 32 : 128; }
  // Host bits masked: 192.168.1.7/24 -> 192.168.1.0/24. WireGuard and the kernel store
  // prefixes canonically, so desired values must be canonicalised before comparing.
  IpPrefix canonical() const;
  bool is_canonical() const { return canonical() == *this; }
  std::string to_string() const;

  friend bool operator==(const IpPrefix&, const IpPrefix&) = default;
  friend auto operator<=>(const IpPrefix&, const IpPrefix&) = default;
};
using Cidr = IpPrefix;

// A UDP endpoint. Formats like Go's net.UDPAddr: "192.0.2.1:51820", "[2001:db8::1]:51820",
// "[fe80::1%eth0]:51820".
struct Endpoint {
  IpAddress address;
  uint16_t port = 0;
  uint32_t scope_id = 0;  // IPv6 zone (interface index); 0 = none

  // Numeric only (no DNS: resolving is the caller's policy). Zones may be names or numbers.
  static Result<Endpoint> parse(std::string_view text);
  static Result<Endpoint> from_sockaddr(const sockaddr* sa, socklen_t len);
  // Fills `out` and returns the length of the sockaddr_in / sockaddr_in6 written.
  socklen_t to_sockaddr(sockaddr_storage& out) const;
  std::string to_string() const;

  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

// Linux interface name rules (dev_valid_name): 1-15 bytes, not "." or "..", no '/', ':' or
// whitespace. Checked before a name becomes part of a socket path or a netlink message.
bool is_valid_ifname(std::string_view name);

struct Timespec {
  int64_t sec = 0;
  int64_t nsec = 0;
  bool is_zero() const { return sec == 0 && nsec == 0; }
  friend bool operator==(const Timespec&, const Timespec&) = default;
};

// One peer's part of a change. Unset optionals leave the current value alone.
struct PeerConfig {
  Key public_key;
  std::optional<Key> preshared_key;  // an all-zero key removes the PSK
  std::optional<Endpoint> endpoint;
  std::vector<IpPrefix> allowed_ips;  // added to the peer's list (see replace_allowed_ips)
  bool replace_allowed_ips = false;   // drop the current list before adding allowed_ips
  std::optional<uint16_t> persistent_keepalive;  // seconds; 0 disables
  bool remove = false;                           // the peer must not exist afterwards
  bool update_only = false;  // change the peer only if it exists; never create it

  friend bool operator==(const PeerConfig&, const PeerConfig&) = default;
};

// A change to a device. Unset optionals leave the current value alone.
struct DeviceUpdate {
  std::optional<Key> private_key;       // an all-zero key removes it
  std::optional<uint16_t> listen_port;  // 0 = pick a random port
  std::optional<uint32_t> fwmark;       // 0 removes it
  bool replace_peers = false;           // remove all peers not listed in `peers`
  std::vector<PeerConfig> peers;

  // True when applying this would change nothing.
  bool empty() const {
    return !private_key && !listen_port && !fwmark && !replace_peers && peers.empty();
  }
  friend bool operator==(const DeviceUpdate&, const DeviceUpdate&) = default;
};

struct PeerState {
  Key public_key;
  std::optional<Key> preshared_key;  // nullopt when none (never an all-zero key)
  std::optional<Endpoint> endpoint;
  std::vector<IpPrefix> allowed_ips;
  uint16_t persistent_keepalive = 0;  // 0 = off
  Timespec last_handshake;            // zero = never
  uint64_t rx_bytes = 0;
  uint64_t tx_bytes = 0;
  uint32_t protocol_version = 0;

  friend bool operator==(const PeerState&, const PeerState&) = default;
};

struct DeviceState {
  std::string ifname;
  uint32_t ifindex = 0;            // kernel backend only; 0 when unknown
  std::optional<Key> private_key;  // nullopt when none
  std::optional<Key> public_key;   // derived from private_key
  uint16_t listen_port = 0;
  uint32_t fwmark = 0;
  std::vector<PeerState> peers;

  const PeerState* find_peer(const Key& public_key) const;
  friend bool operator==(const DeviceState&, const DeviceState&) = default;
};

}  // namespace wgmesh::wg
