#include "ctl/peer_lookup.h"

#include <strings.h>

#include <algorithm>
#include <cctype>
#include <functional>

namespace wgmesh::ctl {

bool looks_like_full_key(const std::string& q) {
  if (q.size() != 44 || q.back() != '=') return false;
  return std::all_of(q.begin(), q.end() - 1, [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/';
  });
}

PeerMatch find_peer(const std::vector<PeerView>& peers, const std::string& query) {
  PeerMatch result;
  if (query.empty()) return result;
  const std::vector<std::function<bool(const PeerView&)>> rules{
      [&](const PeerView& p) { return p.pubkey == query; },
      [&](const PeerView& p) { return p.mesh_ip == query || p.mesh_ipv6 == query; },
      [&](const PeerView& p) {
        return !p.hostname.empty() && ::strcasecmp(p.hostname.c_str(), query.c_str()) == 0;
      },
      [&](const PeerView& p) { return p.pubkey.rfind(query, 0) == 0; },
  };
  for (const auto& rule : rules) {
    for (size_t i = 0; i < peers.size(); ++i)
      if (rule(peers[i])) result.indexes.push_back(i);
    if (!result.indexes.empty()) {
      result.kind =
          result.indexes.size() == 1 ? PeerMatch::Kind::kFound : PeerMatch::Kind::kAmbiguous;
      return result;
    }
  }
  return result;
}

}  // namespace wgmesh::ctl
