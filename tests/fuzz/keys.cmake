# Fuzz targets of wgmesh_keys (included by tests/fuzz/CMakeLists.txt): everything a node
# reads from the network (envelopes and their payloads) and from disk (state files).
# Seed corpora are taken from shared/testdata/crypto-vectors.json.
if(TARGET wgmesh_keys)
  wgmesh_add_fuzzer(keys_envelope_fuzz ${CMAKE_CURRENT_LIST_DIR}/keys_envelope_fuzz.cpp
    CORPUS ${CMAKE_CURRENT_LIST_DIR}/corpus/envelope
    LIBS wgmesh_keys)
  wgmesh_add_fuzzer(keys_state_file_fuzz ${CMAKE_CURRENT_LIST_DIR}/keys_state_file_fuzz.cpp
    CORPUS ${CMAKE_CURRENT_LIST_DIR}/corpus/state_file
    LIBS wgmesh_keys)
endif()
