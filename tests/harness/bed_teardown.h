// Taking a bed down, in the order testbed.md requires: processes first (a live process keeps
// a deleted namespace and its TUN device alive invisibly), then host, router and switch
// namespaces, then sysctls and the directory. Also the same steps as a shell script for the
// signal handler, which cannot run C++ cleanup code.
#pragma once

#include <string>

#include "harness/bed_layout.h"

namespace wgmesh::testbed {

// Never throws; problems are reported on stderr.
void teardown_layout(const BedLayout& layout, bool keep_dir) noexcept;

// /bin/sh script with the same effect, matching namespaces by "<prefix>-" so that it also
// covers a bed interrupted half-built. Requires valid_prefix() and a dir without quotes.
std::string teardown_script(const BedLayout& layout, bool keep_dir);

// Files the bed created inside its directory.
constexpr const char* kStateFile = "bed.state";
constexpr const char* kSysctlRestoreFile = "sysctl.restore";

}  // namespace wgmesh::testbed
