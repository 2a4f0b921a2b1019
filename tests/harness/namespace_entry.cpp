#include "harness/namespace_entry.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace wgmesh::testbed {
namespace {

UniqueFd open_ns(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw std::runtime_error("cannot open namespace " + path + ": " + std::strerror(errno));
  return fd;
}

}  // namespace

PreparedEntry PreparedEntry::prepare(const NamespaceSpec& spec) {
  PreparedEntry entry;
  if (spec.join_pid > 0) {
    if (!spec.netns.empty() || spec.private_run)
      throw std::invalid_argument("NamespaceSpec: join_pid excludes netns and private_run");
    const std::string base = "/proc/" + std::to_string(spec.join_pid) + "/ns/";
    entry.net_ = open_ns(base + "net");
    entry.mnt_ = open_ns(base + "mnt");
    return entry;
  }
  if (!spec.netns.empty()) {
    entry.net_ = open_ns("/run/netns/" + spec.netns);
    entry.new_mount_ns_ = true;
    entry.remount_sys_ = true;
    entry.sysfs_source_ = spec.netns;
    struct statvfs sv {};
    entry.sys_read_only_ = ::statvfs("/sys", &sv) == 0 && (sv.f_flag & ST_RDONLY) != 0;
  }
  if (spec.private_run) {
    entry.new_mount_ns_ = true;
    entry.private_run_ = true;
  }
  return entry;
}

int PreparedEntry::enter(const char** step) const noexcept {
  // Mount namespace first: setns(CLONE_NEWNS) resets root and cwd, nothing else depends on it.
  if (mnt_) {
    *step = "setns(mnt)";
    if (::setns(mnt_.get(), CLONE_NEWNS) != 0) return errno;
  }
  if (net_) {
    *step = "setns(net)";
    if (::setns(net_.get(), CLONE_NEWNET) != 0) return errno;
  }
  if (!new_mount_ns_) return 0;
  *step = "unshare(CLONE_NEWNS)";
  if (::unshare(CLONE_NEWNS) != 0) return errno;
  // Must succeed before anything is mounted: with shared propagation the tmpfs on /run would
  // also cover the real host's /run (and hide /run/netns from every other test).
  *step = "mount --make-rprivate /";
  if (::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return errno;
  if (remount_sys_) {
    ::umount2("/sys", MNT_DETACH);  // may fail if there was no sysfs: then just mount one
    *step = "mount sysfs /sys";
    unsigned long flags = sys_read_only_ ? MS_RDONLY : 0;
    if (::mount(sysfs_source_.c_str(), "/sys", "sysfs", flags, nullptr) != 0) return errno;
  }
  if (private_run_) {
    *step = "mount tmpfs /run";
    if (::mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=755") != 0) return errno;
    *step = "mkdir /run/wireguard";
    if (::mkdir("/run/wireguard", 0755) != 0) return errno;
  }
  return 0;
}

}  // namespace wgmesh::testbed
