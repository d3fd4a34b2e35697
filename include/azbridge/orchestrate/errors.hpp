// Exit statuses of `azbridge orchestrate`: one per failure class, so that scripts can react to
// "device offline" differently from "not allowed" or "Azure is throttling us".
// The table is printed by --help and documented in docs/orchestrate.md; keep the three in step.
#pragma once

#include "azbridge/util/error.hpp"

#include <string>
#include <string_view>

namespace azbridge::orchestrate {

enum class exit_code : int {
  ok = 0,
  failure = 1,               // unexpected failure (a bug, or an answer we do not understand)
  usage = 2,                 // bad command line, configuration file or environment variable
  auth = 3,                  // no credential, token refused, or 401/403 from IoT Hub or ARM
  network = 4,               // cannot reach an endpoint: DNS, connect, TLS, timeout
  throttled = 5,             // 429 still answered after the allowed retries
  service = 6,               // Azure answered 5xx (after the allowed retries) or something malformed
  device_not_found = 10,     // IoT Hub 404001: the device is not registered (or disabled)
  device_offline = 11,       // IoT Hub 404103: the device is not connected / has no method handler
  device_timeout = 12,       // IoT Hub 504101: the device did not answer within the method timeout
  device_refused = 13,       // the device answered the direct method with a non-2xx status
  not_found = 20,            // ARM 404: subscription, resource group, namespace or resource missing
  rejected = 21,             // ARM 400/409 or another 4xx: invalid request, quota, conflict
  provisioning_failed = 22,  // the container group (or relay entity) ended Failed/Canceled
  provisioning_timeout = 23, // provisioning still running when --provision-timeout elapsed
  not_ours = 24,             // a resource with our name exists but was not made by azbridge orchestrate
  interrupted = 130,         // SIGINT/SIGTERM: stopped; resources may be half made (run close)
};

/// "status  meaning" lines for --help and the docs.
std::string_view status_table();

/// A failure with its exit status and a one-line message for the user (never containing a secret).
class error : public user_error {
 public:
  error(exit_code s, const std::string& message) : user_error(static_cast<exit_status>(s), message) {}
  exit_code code() const noexcept { return static_cast<exit_code>(status()); }
};

}  // namespace azbridge::orchestrate
