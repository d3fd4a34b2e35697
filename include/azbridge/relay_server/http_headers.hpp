// Header rules of the relay (hybrid-connections-protocol.md §1.4, §3.2, §5.2, §5.4): what a listener sees of
// a sender's headers, what a sender sees of a listener's response headers, and the Via header.
#pragma once

#include "azbridge/protocol/control_messages.hpp"

#include <boost/beast/http/fields.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace azbridge::relay_server {

/// RFC 7230 connection-specific headers (Connection, Keep-Alive, Proxy-*, TE, Trailer, Transfer-Encoding,
/// Upgrade) and the service's extras (Host, Content-Length, Close). Via is NOT one of them.
bool is_hop_by_hop(std::string_view name);

/// request.requestHeaders: everything except hop-by-hop headers, headers named in Connection,
/// ServiceBusAuthorization, Expect, and Authorization when it carried the relay token. Repeated headers are
/// joined with ", " ("; " for Cookie) because the JSON object has one value per name.
protocol::header_list request_headers_for_listener(const boost::beast::http::fields& fields,
                                                   bool authorization_was_token);

/// accept.connectHeaders: the sender's headers except ServiceBusAuthorization and Sec-WebSocket-Extensions (the
/// relay negotiates no extension end to end); Sec-WebSocket-Key/Version stay (hyco-ws needs them).
protocol::header_list connect_headers_for_listener(const boost::beast::http::fields& fields);

/// Adds a listener's responseHeaders to `out`, dropping hop-by-hop headers, Content-Length and
/// Transfer-Encoding (the relay frames the body itself).
void apply_listener_response_headers(boost::beast::http::fields& out, const protocol::header_list& headers);

/// The Via value after this relay: "1.1 host" appended to an existing Via with ", ".
std::string via_value(std::string_view existing, std::string_view host, unsigned http_version);

/// Splits "a, b,c" (Sec-WebSocket-Protocol lists from .NET and ws 1.x) into tokens.
std::vector<std::string> split_token_list(std::string_view value);

/// Total of name + value sizes (+4 per header for ": " and CRLF), as on the wire.
std::size_t header_bytes(const protocol::header_list& headers);

/// A reason phrase safe for a status line: printable ASCII only, at most `max` characters.
std::string sanitize_reason(std::string_view text, std::size_t max = 1024);

/// A host[:port] authority from a Host header if it is well formed (letters, digits, '.', '-', ':', '[', ']').
bool is_plain_authority(std::string_view authority);

/// The host part of an authority: "h:1" -> "h", "[::1]:1" -> "::1".
std::string_view authority_host(std::string_view authority);

}  // namespace azbridge::relay_server
