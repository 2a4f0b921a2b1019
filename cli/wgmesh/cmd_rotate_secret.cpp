// `wgmesh rotate-secret --current C [--new N] [--grace 24h]`: builds the signed rotation
// announcement of crypto.md §8.1 and prints it with the new secret (§8.4).
//
// Fixes the original's defects (§8.4): both secrets go through the secret parser (a URI is
// not hashed as typed), the new one is validated (generated when absent), the announcement
// is verified against the old membership key and the new secret before anything is printed,
// and the output no longer claims a dual-secret mode that does not exist (§8.3): nodes have
// to be re-joined with the new secret.
#include <cstdio>
#include <string>

#include "commands.h"
#include "flag_exit.h"
#include "keys/derived_keys.h"
#include "keys/go_duration.h"
#include "keys/go_time.h"
#include "keys/rotation.h"
#include "keys/secret.h"

namespace wgmesh::cli {
namespace {

constexpr const char* kUsage =
    "Usage: wgmesh rotate-secret --current <OLD_SECRET> [--new <NEW_SECRET>] [--grace 24h]\n";

std::string text_of(const keys::SecureBytes& bytes) { return std::string(bytes.text()); }

// True if the announcement, and the JSON we are about to print, verify with the old
// membership key and name the new secret.
bool verifies(const keys::RotationAnnouncement& announcement, const std::string& json,
              const keys::DerivedKeys& old_keys, std::string_view new_secret, keys::UnixTime now) {
  auto decoded = keys::decode_rotation_announcement(json);
  return decoded.ok() && *decoded == announcement &&
         keys::validate_rotation_announcement(old_keys.membership_key.view(), *decoded, now) &&
         keys::verify_new_secret(new_secret, *decoded);
}

}  // namespace

int cmd_rotate_secret(const Args& args) {
  std::string current_input, new_input, grace_text = "24h";
  GoFlagSet flags("rotate-secret");
  flags.add_string("current", &current_input, "Current mesh secret or wgmesh:// URI (required)");
  flags.add_string("new", &new_input, "New mesh secret or URI (generated if empty)");
  flags.add_string("grace", &grace_text, "Grace period, a Go duration such as 24h or 90m");
  if (auto rc = parse_flags_or_exit(flags, args)) return *rc;
  // Go's flag.Duration rejects a bad value while parsing, with exit code 2.
  auto grace = keys::parse_go_duration(grace_text);
  if (!grace.ok()) {
    std::fprintf(stderr, "invalid value \"%s\" for flag -grace: parse error\n%s",
                 grace_text.c_str(), flags.usage().c_str());
    return 2;
  }
  if (current_input.empty()) {
    std::fprintf(stderr, "Error: --current is required\n%s", kUsage);
    return 1;
  }
  if (*grace < 0) {
    std::fprintf(stderr, "Error: --grace must not be negative (got %s)\n",
                 keys::format_go_duration(*grace).c_str());
    return 1;
  }

  auto current = keys::secret_from_input(current_input);
  if (!current.ok()) {
    std::fprintf(stderr, "Failed to derive keys from current secret: %s\n",
                 current.message().c_str());
    return 1;
  }
  keys::SecureBytes new_secret;
  if (new_input.empty()) {
    new_secret = keys::generate_secret();
  } else {
    auto parsed = keys::secret_from_input(new_input);
    if (!parsed.ok()) {
      std::fprintf(stderr, "Invalid new secret: %s\n", parsed.message().c_str());
      return 1;
    }
    new_secret = std::move(*parsed);
  }
  if (new_secret.equals(current->view())) {
    std::fputs("Error: the new secret is the same as the current one\n", stderr);
    return 1;
  }

  auto old_keys = keys::derive_keys(current->text());
  if (!old_keys.ok()) {
    std::fprintf(stderr, "Failed to derive keys from current secret: %s\n",
                 old_keys.message().c_str());
    return 1;
  }
  keys::UnixTime now = keys::system_clock_now();
  keys::RotationAnnouncement announcement = keys::make_rotation_announcement(
      old_keys->membership_key.view(), new_secret.text(), *grace, now);
  std::string json = keys::rotation_announcement_to_json(announcement);
  if (!verifies(announcement, json, *old_keys, new_secret.text(), now)) {
    std::fputs("Failed to create rotation announcement: it does not verify\n", stderr);
    return 1;
  }

  std::string grace_go = keys::format_go_duration(*grace);
  std::string uri = text_of(keys::format_secret_uri(new_secret.text()));
  std::printf(
      "Secret Rotation Initiated\n=========================\nGrace Period: %s\n"
      "New Secret URI: %s\n\n"
      "Nodes must be re-joined with the new secret: there is no dual-secret mode yet, so nodes "
      "on the old and the new secret do not see each other.\n"
      "After %s, all nodes should use the new secret.\n\n"
      "Share the new secret with all nodes:\n  wgmesh join --secret \"%s\"\n\n"
      "Rotation announcement (signed with the current secret, names the new one):\n%s\n",
      grace_go.c_str(), uri.c_str(), grace_go.c_str(), uri.c_str(), json.c_str());
  return 0;
}

}  // namespace wgmesh::cli
