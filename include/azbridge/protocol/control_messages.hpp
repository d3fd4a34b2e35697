// Hybrid Connections control-channel messages (JSON text frames): accept, request (service -> listener),
// response, renewToken (listener -> service). Tolerant decoding: unknown fields are ignored, statusCode may be
// a number or a string, a missing responseHeaders is empty. See hybrid-connections-protocol.md §3, §5.
#pragma once

#include "azbridge/util/expected.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace azbridge::protocol {

/// HTTP headers in arrival order, names as received (compare case-insensitively).
using header_list = std::vector<std::pair<std::string, std::string>>;

/// Case-insensitive lookup; nullptr when absent.
const std::string* find_header(const header_list& headers, std::string_view name);

struct remote_endpoint {
  std::string address;
  int port = 0;
};

struct accept_command {
  std::string address;  // rendezvous URL, used as-is
  std::string id;
  header_list connect_headers;
  std::optional<remote_endpoint> remote;
};

struct request_command {
  std::string address;  // rendezvous URL for this request (always present on the control channel)
  std::string id;
  std::optional<std::string> request_target;
  std::optional<std::string> method;
  std::optional<remote_endpoint> remote;
  header_list request_headers;
  std::optional<bool> body;  // absent: the request must be fetched from `address` (rendezvous)

  /// The listener must connect to `address` to receive the real request (no method/body given).
  bool needs_rendezvous() const { return !method.has_value(); }
};

struct response_command {
  std::string request_id;
  int status_code = 200;
  std::string status_description;
  header_list response_headers;
  bool body = false;
};

struct renew_token_command {
  std::string token;
};

/// Messages a listener receives (on the control channel or on a request rendezvous).
using listener_command = std::variant<accept_command, request_command>;
/// Messages a listener sends.
using listener_reply = std::variant<response_command, renew_token_command>;

/// Compact JSON with the protocol's field names in the documented order. Header lists become JSON objects;
/// a header repeated (names compared ignoring case) is joined into one value with ", " under its first spelling.
/// Messages are not size-checked here: .NET listeners read control messages into a 64 KiB buffer.
std::string encode(const accept_command& c);   // remoteEndpoint omitted when unset
std::string encode(const request_command& c);  // omits method/requestTarget/body/remoteEndpoint when unset, and
                                               // requestHeaders when empty and no method (address-only request)
std::string encode(const response_command& c);
std::string encode(const renew_token_command& c);

/// Decodes {"accept":{...}} or {"request":{...}}; any other single top-level key is a failure whose message
/// starts with "unknown command" (callers log and ignore it). Tolerant, and never throws: unknown fields are
/// ignored, JSON null counts as absent, header values that are not strings are skipped, a malformed
/// remoteEndpoint (port may be a number or numeric string, 0-65535) is dropped. Failures ("malformed <command>
/// message: ...") only for invalid JSON or a required field missing or of the wrong type: accept needs a string
/// address, request needs a string id; address/id/method/requestTarget must be strings, body a boolean.
/// Failure messages never quote field values (a message may carry a token).
expected<listener_command> decode_listener_command(std::string_view json);
/// Decodes {"response":{...}} or {"renewToken":{...}}, as tolerantly. response needs requestId (string) and
/// statusCode (a JSON number with an integral value, or a numeric string, 100-999); a missing responseHeaders
/// is empty and a missing body is false. renewToken needs a string token.
expected<listener_reply> decode_listener_reply(std::string_view json);

}  // namespace azbridge::protocol
