# rpc plugin: framing + JSON-RPC envelope of the Unix socket (plugins/rpc/core).
wgmesh_add_fuzzer(rpc_request_fuzz ${CMAKE_CURRENT_LIST_DIR}/rpc_request_fuzz.cpp
  CORPUS ${CMAKE_CURRENT_LIST_DIR}/corpus/rpc
  LIBS wgmesh_rpc_core)
