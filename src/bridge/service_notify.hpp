// systemd readiness notification without libsystemd (internal): a datagram to $NOTIFY_SOCKET, as sd_notify(3)
// sends it ("READY=1", "STOPPING=1", "STATUS=..."). No-op when the variable is unset.
#pragma once

#include <string>
#include <string_view>

namespace azbridge::bridge::detail {

/// Sends `state` to the service manager. Returns false with `error` set when NOTIFY_SOCKET is set but the
/// message could not be delivered; true when delivered or when there is no service manager to tell.
bool notify_service_manager(std::string_view state, std::string& error);

}  // namespace azbridge::bridge::detail
