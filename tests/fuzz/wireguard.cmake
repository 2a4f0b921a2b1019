# Fuzz targets of wgmesh_wireguard (included by tests/fuzz/CMakeLists.txt).
if(TARGET wgmesh_wireguard)
  wgmesh_add_fuzzer(wireguard_uapi_fuzz ${CMAKE_CURRENT_LIST_DIR}/wireguard_uapi_fuzz.cpp
    CORPUS ${CMAKE_CURRENT_LIST_DIR}/corpus/uapi
    LIBS wgmesh_wireguard)
endif()
