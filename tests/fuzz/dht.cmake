# DHT fuzz targets (included by tests/fuzz/CMakeLists.txt). Both replay the KRPC seed
# corpus: real-shaped queries, responses and errors (BEP 5, BEP 32 nodes6/want, BEP 42 ip).
if(TARGET wgmesh_dht_core)
  wgmesh_add_fuzzer(dht_krpc_fuzz ${CMAKE_CURRENT_LIST_DIR}/dht_krpc_fuzz.cpp
    CORPUS ${CMAKE_CURRENT_LIST_DIR}/corpus/krpc LIBS wgmesh_dht_core)
  wgmesh_add_fuzzer(dht_node_fuzz ${CMAKE_CURRENT_LIST_DIR}/dht_node_fuzz.cpp
    CORPUS ${CMAKE_CURRENT_LIST_DIR}/corpus/krpc LIBS wgmesh_dht_core)
endif()
