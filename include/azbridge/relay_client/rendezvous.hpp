// Small decisions around rendezvous sockets (sans-I/O): the rejection URL, the subprotocol the listener
// echoes, and whether an HTTP response goes over the control channel or a rendezvous.
#pragma once

#include "azbridge/protocol/control_messages.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace azbridge::relay_client {

/// `address` + "&sb-hc-statusCode={code}&sb-hc-statusDescription={percent-encoded description}"
/// ('?' instead of '&' if the address has no query). The relay answers 410 when the rejection worked
/// and hands code and description to the sender (hybrid-connections-protocol.md §3.5).
std::string make_reject_url(std::string_view address, int status_code, std::string_view description);

/// The first subprotocol the sender offered in Sec-WebSocket-Protocol ("a,b" or "a, b"), as .NET's
/// listener does; nullopt when none was offered.
std::optional<std::string> choose_subprotocol(const protocol::header_list& connect_headers);

/// Bodies up to this size may travel on the control channel (hybrid-connections-protocol.md §5.3, §6.3).
inline constexpr std::size_t max_control_channel_body = 64 * 1024;

enum class response_route { control_channel, rendezvous };

/// Where to send a response: a request that arrived over a rendezvous is answered there; otherwise the
/// control channel when the JSON stays below 64 KiB and the body is at most 64 KiB, else a rendezvous
/// (JSON then the body in fragments, ended by a FIN frame).
response_route choose_response_route(bool request_arrived_on_rendezvous, std::size_t json_bytes,
                                     std::size_t body_bytes);

}  // namespace azbridge::relay_client
