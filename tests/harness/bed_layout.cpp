#include "harness/bed_layout.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace wgmesh::testbed {
namespace {

constexpr std::string_view kMagic = "wgmesh-testbed-state 1";
constexpr std::string_view kInternet = "203.0.113";
constexpr int kMaxFlatHosts = 250;
constexpr int kMaxNatHosts = 126;  // routers take 203.0.113.129-254
constexpr int kRouterWanBase = 128;

// "198.51.100.0/24" -> "198.51.100". Only /24s: hosts are numbered by the last octet.
std::string base_of_24(const std::string& subnet) {
  auto slash = subnet.find('/');
  if (slash == std::string::npos || subnet.substr(slash) != "/24") {
    throw std::invalid_argument("subnet must be a /24: " + subnet);
  }
  std::string addr = subnet.substr(0, slash);
  int octets[4];
  char tail = 0;
  if (std::sscanf(addr.c_str(), "%d.%d.%d.%d%c", &octets[0], &octets[1], &octets[2], &octets[3],
                  &tail) != 4 ||
      std::any_of(octets, octets + 4, [](int o) { return o < 0 || o > 255; })) {
    throw std::invalid_argument("bad subnet: " + subnet);
  }
  return std::to_string(octets[0]) + "." + std::to_string(octets[1]) + "." +
         std::to_string(octets[2]);
}

// 2001:db8:<third octet>::<i>: readable next to the IPv4 address (198.51.100.7 ->
// 2001:db8:100::7); the digits are read as hex, which is still a valid documentation address.
std::string ipv6_for(const std::string& base, int index) {
  return "2001:db8:" + base.substr(base.rfind('.') + 1) + "::" + std::to_string(index);
}

std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }
std::string from_dash(const std::string& s) { return s == "-" ? "" : s; }

void check_token(const std::string& what, const std::string& value) {
  if (value.find_first_of(" \t\n=") != std::string::npos) {
    throw std::invalid_argument(what + " must not contain whitespace or '=': " + value);
  }
}

std::map<std::string, std::string> key_values(std::istringstream& in) {
  std::map<std::string, std::string> out;
  std::string token;
  while (in >> token) {
    auto eq = token.find('=');
    if (eq == std::string::npos) throw std::runtime_error("bad state token: " + token);
    out[token.substr(0, eq)] = from_dash(token.substr(eq + 1));
  }
  return out;
}

const std::string& required(const std::map<std::string, std::string>& kv, const char* key) {
  auto it = kv.find(key);
  if (it == kv.end()) throw std::runtime_error(std::string("state: missing ") + key);
  return it->second;
}

}  // namespace

std::string_view to_string(NatType type) {
  switch (type) {
    case NatType::eim:
      return "eim";
    case NatType::sym:
      return "sym";
    case NatType::fullcone:
      return "fullcone";
  }
  return "?";
}

std::optional<NatType> parse_nat_type(std::string_view text) {
  for (NatType t : {NatType::eim, NatType::sym, NatType::fullcone}) {
    if (text == to_string(t)) return t;
  }
  return std::nullopt;
}

bool valid_prefix(std::string_view prefix) {
  return !prefix.empty() && prefix.size() <= 32 &&
         std::all_of(prefix.begin(), prefix.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_';
         });
}

const HostInfo& BedLayout::host(int index) const {
  if (index < 1 || index > static_cast<int>(hosts.size())) {
    throw std::out_of_range("no host " + std::to_string(index) + " in a bed of " +
                            std::to_string(hosts.size()));
  }
  return hosts[static_cast<std::size_t>(index - 1)];
}

const RouterInfo* BedLayout::router_for(int host_index) const {
  for (const auto& r : routers) {
    if (r.host == host_index) return &r;
  }
  return nullptr;
}

std::vector<std::string> BedLayout::namespaces() const {
  std::vector<std::string> out;
  for (const auto& h : hosts) out.push_back(h.netns);
  for (const auto& r : routers) out.push_back(r.netns);
  out.push_back(switch_netns);
  return out;
}

BedLayout plan_layout(const BedOptions& options, const std::string& prefix,
                      const std::string& dir) {
  if (!valid_prefix(prefix)) throw std::invalid_argument("bad bed prefix: " + prefix);
  check_token("bed dir", dir);
  const bool nat_bed = !options.nat.empty();
  const int max_hosts = nat_bed ? kMaxNatHosts : kMaxFlatHosts;
  if (options.n_hosts < 1 || options.n_hosts > max_hosts) {
    throw std::invalid_argument("n_hosts must be 1.." + std::to_string(max_hosts));
  }
  const std::string base = base_of_24(options.subnet);
  if (nat_bed && base == kInternet) {
    throw std::invalid_argument("the LAN subnet of a NAT bed must differ from 203.0.113.0/24");
  }
  for (const auto& [index, type] : options.nat) {
    if (index < 1 || index > options.n_hosts) {
      throw std::invalid_argument("NAT for host " + std::to_string(index) + " out of range");
    }
  }

  BedLayout layout;
  layout.prefix = prefix;
  layout.dir = dir;
  layout.switch_netns = prefix + "-sw";
  layout.switch_subnet = nat_bed ? std::string(kInternet) + ".0/24" : options.subnet;
  layout.ipv6 = options.ipv6;
  const std::string switch_base = nat_bed ? std::string(kInternet) : base;
  for (int i = 1; i <= options.n_hosts; ++i) {
    HostInfo host;
    host.index = i;
    host.name = "h" + std::to_string(i);
    host.netns = prefix + "-" + host.name;
    host.dir = dir + "/" + host.name;
    auto nat = options.nat.find(i);
    if (nat == options.nat.end()) {
      host.ipv4 = switch_base + "." + std::to_string(i);
      if (options.ipv6) host.ipv6 = ipv6_for(switch_base, i);
      host.public_ipv4 = host.ipv4;
    } else {
      RouterInfo router;
      router.host = i;
      router.netns = prefix + "-r" + std::to_string(i);
      router.wan_ipv4 = std::string(kInternet) + "." + std::to_string(kRouterWanBase + i);
      router.lan_ipv4 = base + ".254";
      router.type = nat->second;
      host.ipv4 = base + "." + std::to_string(i);
      host.gateway = router.lan_ipv4;
      host.public_ipv4 = router.wan_ipv4;
      layout.routers.push_back(router);
    }
    layout.hosts.push_back(host);
  }
  return layout;
}

std::string serialize_layout(const BedLayout& layout) {
  std::ostringstream out;
  out << kMagic << "\n";
  out << "prefix " << layout.prefix << "\n";
  out << "dir " << layout.dir << "\n";
  out << "owns_dir " << (layout.owns_dir ? 1 : 0) << "\n";
  out << "switch " << layout.switch_netns << "\n";
  out << "subnet " << layout.switch_subnet << "\n";
  out << "ipv6 " << (layout.ipv6 ? 1 : 0) << "\n";
  for (const auto& h : layout.hosts) {
    out << "host index=" << h.index << " name=" << h.name << " netns=" << h.netns
        << " ipv4=" << h.ipv4 << " ipv6=" << or_dash(h.ipv6) << " public=" << h.public_ipv4
        << " gateway=" << or_dash(h.gateway) << " dir=" << h.dir << "\n";
  }
  for (const auto& r : layout.routers) {
    out << "router host=" << r.host << " netns=" << r.netns << " wan=" << r.wan_ipv4
        << " lan=" << r.lan_ipv4 << " type=" << to_string(r.type) << "\n";
  }
  return out.str();
}

BedLayout parse_layout(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::string line;
  if (!std::getline(in, line) || line != kMagic) throw std::runtime_error("not a bed state file");
  BedLayout layout;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string key;
    if (!(fields >> key)) continue;
    if (key == "host" || key == "router") {
      auto kv = key_values(fields);
      if (key == "host") {
        HostInfo h;
        h.index = std::stoi(required(kv, "index"));
        h.name = required(kv, "name");
        h.netns = required(kv, "netns");
        h.ipv4 = required(kv, "ipv4");
        h.ipv6 = required(kv, "ipv6");
        h.public_ipv4 = required(kv, "public");
        h.gateway = required(kv, "gateway");
        h.dir = required(kv, "dir");
        layout.hosts.push_back(h);
      } else {
        RouterInfo r;
        r.host = std::stoi(required(kv, "host"));
        r.netns = required(kv, "netns");
        r.wan_ipv4 = required(kv, "wan");
        r.lan_ipv4 = required(kv, "lan");
        auto type = parse_nat_type(required(kv, "type"));
        if (!type) throw std::runtime_error("state: bad NAT type in: " + line);
        r.type = *type;
        layout.routers.push_back(r);
      }
      continue;
    }
    std::string value;
    fields >> value;
    if (key == "prefix")
      layout.prefix = value;
    else if (key == "dir")
      layout.dir = value;
    else if (key == "owns_dir")
      layout.owns_dir = value == "1";
    else if (key == "switch")
      layout.switch_netns = value;
    else if (key == "subnet")
      layout.switch_subnet = value;
    else if (key == "ipv6")
      layout.ipv6 = value == "1";
    else
      throw std::runtime_error("state: unknown key " + key);
  }
  if (!valid_prefix(layout.prefix) || layout.switch_netns.empty() || layout.dir.empty()) {
    throw std::runtime_error("state: incomplete");
  }
  for (std::size_t i = 0; i < layout.hosts.size(); ++i) {
    if (layout.hosts[i].index != static_cast<int>(i + 1)) {
      throw std::runtime_error("state: hosts out of order");
    }
  }
  return layout;
}

void save_layout(const BedLayout& layout, const std::string& path) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << serialize_layout(layout);
    if (!out.flush()) throw std::runtime_error("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot write " + path);
}

BedLayout load_layout(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("no bed state at " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_layout(text.str());
}

}  // namespace wgmesh::testbed
