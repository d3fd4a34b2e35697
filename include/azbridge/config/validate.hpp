// azbridge's validation rules for single values (shared reference azbridge-compat.md §1.6), shared by the
// command line, the YAML loader and `-o` overrides. Each check returns nullopt when the value is valid, or
// azbridge's message ("Invalid BindPort value: 70000. Must be ..."); callers prefix where the value came from.
#pragma once

#include "azbridge/protocol/connection_string.hpp"
#include "azbridge/util/expected.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace azbridge::config {

/// Decides whether a host (IP literal without brackets, or a DNS name) denotes an address of this machine.
/// The default, is_local_host(), resolves names with the system resolver; tests and fuzzers inject their own.
using locality_check = std::function<bool(std::string_view host)>;

/// True when `host` is a loopback address, or resolves to one, or to an address of one of this machine's
/// interfaces. Blocking (getaddrinfo); call at start-up only.
bool is_local_host(std::string_view host);

namespace validate {

/// Strips one layer of leading/trailing ' and " (azbridge's setters trim them) and surrounding blanks.
std::string trim_quotes(std::string_view text);

/// `^[0-9A-Za-z/_\-\.]+$` (azbridge's Constants.RelayNameRegex), used for relay and port names.
bool is_name(std::string_view text);

/// .NET int.TryParse: optional blanks, optional sign, decimal digits, within int32.
std::optional<int> parse_int(std::string_view text);

/// A port token of the forwarding grammars: an int, or digits followed by 'U' meaning UDP (returned negative).
std::optional<int> parse_port_token(std::string_view text);

enum class host_kind { invalid, ipv4, ipv6, dns };
/// System.Uri.CheckHostName: IPv4 literal, IPv6 literal (brackets allowed), DNS name, or invalid.
host_kind classify_host(std::string_view host);

/// Base64 as .NET Convert.FromBase64String accepts it (blanks ignored, padding rules), decoded by OpenSSL.
bool is_base64(std::string_view text);

std::optional<std::string> relay_name(std::string_view v);
std::optional<std::string> port_name(std::string_view v);
std::optional<std::string> bind_port(int v);   // 1..65535 or -65535..-1
std::optional<std::string> host_port(int v);   // 1..65535 or -65535..-1
std::optional<std::string> host(std::string_view v);         // remote target host (any valid host name)
std::optional<std::string> host_name(std::string_view v);    // LocalForward HostName (DNS name only)
/// BindLocalSocket / LocalSocket (`key` names which): an absolute path or a name matching is_name().
std::optional<std::string> local_socket(std::string_view v, std::string_view key);
/// -b / BindAddress (also LocalForward BindAddress): 0.0.0.0, ::, any, anyv6, or a valid host that is local.
/// `label` names the setting in the message ("-b/BindAddress" as azbridge says, or "BindAddress" for -L and
/// LocalForward). A null `is_local` checks the syntax only.
std::optional<std::string> bind_address(std::string_view v, const locality_check& is_local,
                                        std::string_view label = "-b/BindAddress");
std::optional<std::string> connection_attempts(int v);  // 1..10
std::optional<std::string> connect_timeout(int v);      // 0..120
std::optional<std::string> keep_alive_interval(int v);  // 1..86400 (azbridge: any int)
std::optional<std::string> address_family(std::string_view v);  // any|inet|inet6
std::optional<std::string> log_level(std::string_view v);       // azbridge's names, case-insensitive
std::optional<std::string> endpoint(std::string_view v);        // absolute URI with a host
std::optional<std::string> key_name(std::string_view v);        // letters, digits, '-', '_'
std::optional<std::string> key(std::string_view v);             // base64; the value is never echoed
std::optional<std::string> signature(std::string_view v);       // "SharedAccessSignature sr=..&sig=..&se=..&skn=.."

/// Parses and validates a connection string (§3.1-3.2). The failure reads like azbridge's
/// "Invalid -x/AzureRelayConnectionString value. <reason>: <value>." with `label` naming the setting and the
/// value's secrets redacted.
expected<protocol::connection_string> connection_string(std::string_view v,
                                                        std::string_view label = "-x/AzureRelayConnectionString");

/// A connection string as text with the values of SharedAccessKey and SharedAccessSignature replaced by
/// "***", without parsing it (works for invalid strings too, for error messages).
std::string redact_connection_string_text(std::string_view text);

}  // namespace validate
}  // namespace azbridge::config
