// Error answers of the relay: a status line whose reason phrase carries the service-style message (that is
// what .NET users see), a small body, and one "RequestRejected" log line (never a token).
#pragma once

#include "server_stream.hpp"

#include <string>
#include <string_view>

namespace azbridge::relay_server {

struct request_info {
  std::string remote;       // "ip:port" of the peer
  std::string action;       // listen, connect, accept, request, http
  std::string path;         // decoded path (no query: it may hold a token)
  std::string tracking_id;  // sb-hc-id or a generated one
  std::string host;         // the authority the client addressed
};

/// "<message> TrackingId:<id>, SystemTracker:sb://<host>/<path>, Timestamp:<utc>".
std::string service_message(std::string_view message, const request_info& info);

enum class body_style { text, json };

/// Writes `status` with the service-style message as reason phrase and body, then (unless keep_alive) shuts
/// the connection down. Bounded by `timeout`.
net::awaitable<void> reject(server_stream& stream, unsigned http_version, int status, std::string_view message,
                            const request_info& info, std::chrono::milliseconds timeout,
                            body_style style = body_style::text, bool keep_alive = false);

/// The JSON error body of the service: {"error":{"code":"GatewayTimeout","message":"..."}}.
std::string json_error_body(int status, std::string_view message);

}  // namespace azbridge::relay_server
