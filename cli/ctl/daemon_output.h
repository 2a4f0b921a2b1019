// Human output of `status` (daemon.status) and `methods` (rpc.list). Both are read
// tolerantly: whatever scalar members the daemon reports are shown, so new fields appear
// without a client update.
#pragma once

#include <rapidjson/document.h>

#include <ostream>

namespace wgmesh::ctl {

// False if `result` is not an object.
bool render_status(const rapidjson::Value& result, std::ostream& out);
// False if `result` is not an array.
bool render_methods(const rapidjson::Value& result, std::ostream& out);

}  // namespace wgmesh::ctl
