// A stand-in mesh node on 127.0.0.1 for `wgmesh test-peer`: it opens HELLOs with the mesh
// key like a real node and answers with a scripted REPLY, on a thread of its own.
#pragma once

#include <netinet/in.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/unique_fd.h"
#include "keys/announcement.h"
#include "keys/derived_keys.h"

namespace wgmesh::test {

struct FakeNodeScript {
  bool silent = false;            // never answer
  int ignore_hellos = 0;          // answer only from this HELLO on (0 = the first)
  std::string reply_secret;       // seal replies for another mesh ("" = the node's own)
  bool decoy_first = false;       // a valid REPLY from another port before the real one
  bool announce_first = false;    // an ANNOUNCE from the node's port before the REPLY
  std::string raw_reply_payload;  // send this payload JSON as the REPLY instead
};

class FakeNode {
 public:
  FakeNode(const std::string& secret, FakeNodeScript script);
  ~FakeNode();
  FakeNode(const FakeNode&) = delete;
  FakeNode& operator=(const FakeNode&) = delete;

  uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  const keys::PeerAnnouncement& reply() const { return reply_; }
  const keys::DerivedKeys& keys() const { return keys_; }

  // What arrived so far (copies, under the lock).
  std::vector<keys::PeerAnnouncement> hellos() const;
  std::vector<std::string> goodbye_keys() const;
  std::vector<uint16_t> hello_source_ports() const;
  int undecryptable() const { return undecryptable_; }

 private:
  void run();
  void on_datagram(const std::string& data, const sockaddr_in& from);
  void send(int fd, const std::string& data, const sockaddr_in& to) const;

  std::string secret_;
  keys::DerivedKeys keys_;
  FakeNodeScript script_;
  keys::PeerAnnouncement reply_;
  UniqueFd fd_, decoy_fd_;
  uint16_t port_ = 0;
  mutable std::mutex mu_;
  std::vector<keys::PeerAnnouncement> hellos_;
  std::vector<uint16_t> hello_ports_;
  std::vector<std::string> goodbyes_;
  std::atomic<int> undecryptable_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace wgmesh::test
