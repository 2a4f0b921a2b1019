// The test-host harness in one include: beds of network namespaces (TestBed, TestHost),
// programs inside them (Process), and helpers (ping, wait_until, underlay_bytes,
// cleanup_stale). See tests/harness/README.md.
#pragma once

#include "harness/bed_layout.h"
#include "harness/bed_options.h"
#include "harness/nat_router.h"
#include "harness/net_probe.h"
#include "harness/process.h"
#include "harness/stale_cleanup.h"
#include "harness/subprocess.h"
#include "harness/test_bed.h"
#include "harness/test_host.h"
#include "harness/wait.h"
