# How the daemon and the bundled plugins link their libraries.
#
# Why: an idle wgmeshd's resident set was mostly other people's code. Every shared library
# maps whole 16-page fault-around windows of its text and dirties its own relocation pages,
# so libstdc++.so alone was 1.6 MB of the daemon's RSS and libnl-route 0.5 MB, although the
# daemon calls a small part of either. Linked statically with section garbage collection,
# only the functions we call are in the binary, packed together.
#
# WGMESH_LEAN_LINK (default on, off with the sanitizers, which need the shared runtime):
#   - libsodium, libuv and libnl come from their static archives (Debian's are PIC, so the
#     plugin modules can use them too);
#   - wgmeshd and the bundled plugins link libstdc++ and libgcc statically and garbage-collect
#     unused sections (wgmesh_lean_binary()). Nothing C++ crosses the plugin ABI, so each
#     module having its own copy of the parts it uses is safe; modules hide those copies;
#   - optimised builds use -Os;
#   - on x86-64 they need no libm.so either (host/common/libm_free.cpp).
# toml++ is always used header-only: its shared library would pull libstdc++.so back in.
set(_wgmesh_lean_default ON)
if(WGMESH_SANITIZE)
  set(_wgmesh_lean_default OFF)
endif()
option(WGMESH_LEAN_LINK "Link wgmeshd and bundled plugins against static libstdc++/libsodium/libuv/libnl"
       ${_wgmesh_lean_default})

find_package(Threads REQUIRED)

# wgmesh_dep_<name>: what the tree links instead of PkgConfig::<NAME>.
function(_wgmesh_dependency name pkg_prefix)
  set(archives ${ARGN})
  add_library(wgmesh_dep_${name} INTERFACE)
  if(NOT WGMESH_LEAN_LINK)
    target_link_libraries(wgmesh_dep_${name} INTERFACE PkgConfig::${pkg_prefix})
    return()
  endif()
  set(paths "")
  foreach(archive ${archives})
    find_library(_path_${archive} NAMES ${archive} NO_CACHE)
    if(NOT _path_${archive})
      message(FATAL_ERROR "WGMESH_LEAN_LINK: ${archive} not found (install the -dev package, "
                          "or configure with -DWGMESH_LEAN_LINK=OFF)")
    endif()
    list(APPEND paths ${_path_${archive}})
  endforeach()
  target_include_directories(wgmesh_dep_${name} SYSTEM INTERFACE ${${pkg_prefix}_INCLUDE_DIRS})
  target_link_libraries(wgmesh_dep_${name} INTERFACE ${paths} Threads::Threads ${CMAKE_DL_LIBS})
endfunction()

_wgmesh_dependency(sodium SODIUM libsodium.a)
_wgmesh_dependency(uv UV libuv_a.a)
target_link_libraries(wgmesh_dep_uv INTERFACE $<$<BOOL:${WGMESH_LEAN_LINK}>:rt>)
# Order matters for static archives: route and genl use the core library.
_wgmesh_dependency(nl NL libnl-route-3.a libnl-genl-3.a libnl-3.a)

add_library(wgmesh_toml INTERFACE)
get_target_property(_toml_includes tomlplusplus::tomlplusplus INTERFACE_INCLUDE_DIRECTORIES)
if(_toml_includes)
  target_include_directories(wgmesh_toml SYSTEM INTERFACE ${_toml_includes})
endif()
# Parsing only: the formatters would link libm (log10) and ~60 KB nobody calls. toml++ turns
# charconv floats off for every GCC, but GCC 12's std::from_chars handles double; without it
# the parser reads floats through std::stringstream, i.e. the whole locale machinery.
target_compile_definitions(wgmesh_toml INTERFACE TOML_HEADER_ONLY=1 TOML_ENABLE_FORMATTERS=0
                           TOML_INT_CHARCONV=1 TOML_FLOAT_CHARCONV=1)

if(WGMESH_LEAN_LINK)
  add_compile_options(-ffunction-sections -fdata-sections)
  # Optimise for size in optimised builds: the daemon spends its time in system calls, not
  # in its own code, and -Os made wgmeshd's text 1.38 MB instead of 2.07 MB at -O2 — 0.7 MB
  # less resident memory per daemon (measured with `wgmesh-mesh-bench`). Comes after the
  # build type's -O2, so it wins.
  if(CMAKE_BUILD_TYPE MATCHES "^(Release|RelWithDebInfo|MinSizeRel)$")
    add_compile_options(-Os)
  endif()
endif()

# Applied to wgmeshd and each bundled plugin module.
function(wgmesh_lean_binary target)
  if(NOT WGMESH_LEAN_LINK)
    return()
  endif()
  target_link_options(${target} PRIVATE -static-libstdc++ -static-libgcc -Wl,--gc-sections -Wl,-O1
                      -Wl,--as-needed)
  if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
    # The only libm functions static libstdc++ needs, without libm.so: host/common/libm_free.cpp.
    # A source, not an archive: archives are searched in link order and this one must resolve
    # references from libraries that come after it.
    target_link_options(${target} PRIVATE -Wl,--wrap=ceil -Wl,--wrap=llround
                        -Wl,--wrap=fegetround -Wl,--wrap=fesetround)
    target_sources(${target} PRIVATE ${PROJECT_SOURCE_DIR}/host/common/libm_free.cpp)
  endif()
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "MODULE_LIBRARY" OR type STREQUAL "SHARED_LIBRARY")
    # Keep the module's private copies of libstdc++ & co. out of its dynamic symbol table.
    target_link_options(${target} PRIVATE -Wl,--exclude-libs,ALL)
  endif()
endfunction()
