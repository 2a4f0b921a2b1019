# lan-multicast: the announcement payload and config parsing (plugins/lan-multicast/core).
# The envelope itself is fuzzed with the host's crypto.
if(TARGET wgmesh_lan_multicast_core)
  wgmesh_add_fuzzer(lan_report_fuzz ${CMAKE_CURRENT_LIST_DIR}/lan_report_fuzz.cpp
    CORPUS ${CMAKE_CURRENT_LIST_DIR}/lan_corpus
    LIBS wgmesh_lan_multicast_core wgmesh_rapidjson)
endif()
