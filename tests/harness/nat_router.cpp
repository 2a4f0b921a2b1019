#include "harness/nat_router.h"

#include "harness/subprocess.h"

namespace wgmesh::testbed {

std::string nat_ruleset(NatType type, const std::string& lan_host, int port) {
  std::string masquerade = type == NatType::sym ? "masquerade random" : "masquerade";
  std::string prerouting;
  if (type == NatType::fullcone) {
    prerouting = "    iifname \"eth0\" udp dport " + std::to_string(port) + " dnat to " + lan_host +
                 ":" + std::to_string(port) + "\n";
  }
  return "flush ruleset\n"
         "table ip nat {\n"
         "  chain pre {\n"
         "    type nat hook prerouting priority dstnat\n" +
         prerouting +
         "  }\n"
         "  chain post {\n"
         "    type nat hook postrouting priority srcnat\n"
         "    oifname \"eth0\" " +
         masquerade +
         "\n"
         "  }\n"
         "}\n"
         "table inet filter {\n"
         "  chain input {\n"
         "    type filter hook input priority filter; policy drop\n"
         "    iifname \"lo\" accept\n"
         "    ct state established,related accept\n"
         "    iifname \"lan0\" accept\n"
         "  }\n"
         "  chain forward {\n"
         "    type filter hook forward priority filter; policy drop\n"
         "    ct state established,related accept\n"
         "    ct status dnat accept\n"
         "    iifname \"lan0\" oifname \"eth0\" accept\n"
         "  }\n"
         "}\n";
}

void apply_nat_mode(const std::string& router_netns, NatType type, const std::string& lan_host,
                    int port) {
  check_command({"nft", "-f", "-"},
                {.ns = {.netns = router_netns}, .input = nat_ruleset(type, lan_host, port)});
  conntrack_flush(router_netns);
}

bool conntrack_flush(const std::string& netns) {
  return run_command({"conntrack", "-F"}, {.ns = {.netns = netns}}).ok();
}

}  // namespace wgmesh::testbed
