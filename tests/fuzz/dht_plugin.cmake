# dht plugin: config, bootstrap entries, host JSON, nodes-file path, and peer values through
# the value filter and the exchange gate (plugins/dht/logic). KRPC itself: dht.cmake.
if(TARGET wgmesh_dht_logic)
  wgmesh_add_fuzzer(dht_plugin_fuzz ${CMAKE_CURRENT_LIST_DIR}/dht_plugin_fuzz.cpp
    CORPUS ${CMAKE_CURRENT_LIST_DIR}/corpus/dht_plugin LIBS wgmesh_dht_logic)
endif()
