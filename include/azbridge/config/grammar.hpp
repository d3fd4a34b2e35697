// The forwarding-expression grammars of azbridge's -L, -T, -R and -H options, exactly as azbridge's
// Config.LoadConfig/ParseRemoteForward/ParseRemoteHttpForward parse them (azbridge-compat.md §1.4).
//
//   -L  binding{;binding}:relay_name            binding := [bind_address:]port_or_socket[/port_name]
//   -T  relay_name:target{;target}              target  := [port_name/]port | [port_name/]socket
//                                                          | [port_name/]host:port
//   -R  relay_name:target{;target}  (legacy)    target  := [port_name/]port | socket | host:[port_name/]port
//   -H  relay_name:scheme/host[/path...][:port]{;...}   scheme := http | https (default ports 80/443)
//
// Ports: an int, or digits followed by 'U' for UDP (stored negative). A token that is not an int is a Unix
// socket name. Default port names are the port token as written ("16161", "3434U").
//
// These functions are pure (no DNS): bind addresses are checked for syntax here and for locality by load().
// On failure the message names the option and the expression, e.g.
//   "Invalid -L expression '70000:foobar': Invalid BindPort value: 70000. Must be in the IP port range ..."
#pragma once

#include "azbridge/config/config.hpp"
#include "azbridge/util/expected.hpp"

#include <string_view>

namespace azbridge::config {

expected<local_forward> parse_local_forward(std::string_view expr);         // -L
expected<remote_forward> parse_remote_forward(std::string_view expr);       // -T
expected<remote_forward> parse_remote_forward_legacy(std::string_view expr);// -R
expected<remote_forward> parse_remote_http_forward(std::string_view expr);  // -H

}  // namespace azbridge::config
