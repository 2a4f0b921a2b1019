// Creates the namespaces, links, addresses and NAT rules a BedLayout describes, with few
// ip(8) runs: one batch adds every namespace, one creates every veth pair directly in its two
// target namespaces, then one batch per namespace configures it.
#pragma once

#include "harness/bed_layout.h"

namespace wgmesh::testbed {

// Throws CommandError / std::runtime_error; the caller removes a half-built bed.
void build_bed(const BedLayout& layout);

}  // namespace wgmesh::testbed
