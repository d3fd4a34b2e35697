// Settings of `azbridge relay`: where it listens, its keys and hybrid connections, limits and timeouts.
// Defaults are the Azure Relay service's documented values (hybrid-connections-protocol.md §7) where the
// service documents one. The YAML schema is described in docs/relay.md.
#pragma once

#include "azbridge/util/expected.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace azbridge::relay_server {

/// Rights of a shared access policy. Manage implies Listen and Send (as on the service).
struct access_rights {
  bool listen = false;
  bool send = false;
  bool manage = false;

  bool can_listen() const noexcept { return listen || manage; }
  bool can_send() const noexcept { return send || manage; }
  std::string to_string() const;  // "Listen, Send, Manage"

  /// Parses one right name ("Listen", "Send", "Manage"; case-insensitive). False if unknown.
  bool add(std::string_view name);
};

struct shared_access_policy {
  std::string name;  // the `skn` of tokens signed with it
  std::string key;   // used as UTF-8 bytes for HMAC-SHA256, like the service
  access_rights rights;
};

struct hybrid_connection_settings {
  std::string name;  // may contain '/', matched case-insensitively
  /// false: senders (connect, HTTP) need no token. Listeners always need one.
  bool requires_client_authorization = true;
  /// Entity-level policies, valid for this hybrid connection only (in addition to the namespace's).
  std::vector<shared_access_policy> policies;
};

struct relay_limits {
  std::size_t max_connections = 5000;                      // concurrent TCP connections (service: 5,000)
  std::size_t max_listeners_per_hybrid_connection = 25;    // service: 25
  std::size_t max_message_bytes = 64 * 1024 * 1024;        // one relayed WebSocket message (service: undocumented)
  std::size_t max_request_header_bytes = 64 * 1024;       // HTTP header section of any request
  std::size_t max_control_message_bytes = 1024 * 1024;     // one message a listener sends on its control channel
  std::size_t max_inline_body_bytes = 64 * 1024;           // HTTP bodies up to this go over the control channel
  std::size_t max_inline_header_bytes = 32 * 1024;         // and only when the headers are at most this large
  std::size_t max_control_queue_bytes = 4 * 1024 * 1024;   // unsent bytes per control channel before spilling
  std::size_t splice_buffer_bytes = 64 * 1024;             // per direction of a relayed connection
};

struct relay_timeouts {
  using duration = std::chrono::milliseconds;
  duration handshake{std::chrono::seconds(20)};     // TLS handshake + HTTP request head, per step
  duration rendezvous{std::chrono::seconds(30)};    // accept addresses expire (service: 30 s)
  duration response{std::chrono::seconds(60)};      // HTTP response deadline, then 504 (service: 60 s)
  duration token_grace{std::chrono::minutes(5)};    // control channels live this long after the token's se
  duration clock_skew{std::chrono::seconds(0)};     // tolerated on a token's se at handshakes
  duration control_idle{std::chrono::seconds(120)}; // ping after half of it idle, close after all of it
  duration keep_alive{std::chrono::seconds(120)};   // idle HTTP sender connections
  duration shutdown{std::chrono::seconds(5)};       // graceful shutdown before connections are cut
};

struct relay_options {
  std::string bind_host = "127.0.0.1";
  std::optional<std::uint16_t> bind_port;  // default 443 with TLS, 80 without
  bool tls = true;
  bool no_tls = false;  // --no-tls / noTls given explicitly
  std::string tls_cert_file;
  std::string tls_key_file;
  /// host[:port] put into rendezvous addresses. Empty: the Host header the listener used.
  std::string public_host;
  std::vector<shared_access_policy> policies;               // namespace-level
  std::vector<hybrid_connection_settings> hybrid_connections;  // empty: any name is accepted (open mode)
  relay_limits limits;
  relay_timeouts timeouts;

  std::uint16_t port() const noexcept { return bind_port.value_or(tls ? 443 : 80); }
};

struct bind_address {
  std::string host;                  // without brackets
  std::optional<std::uint16_t> port;
};

/// "HOST:PORT", "[V6]:PORT", "PORT" (host 127.0.0.1) or "HOST" (no port).
expected<bind_address> parse_bind(std::string_view text);

/// Reads a YAML file and applies every key it sets onto `options`. Unknown keys, wrong types and bad values
/// throw azbridge::user_error (exit status 2) naming the file and the key.
void load_config_file(const std::string& path, relay_options& options);

/// The same from YAML text (`origin` names it in messages). Used by load_config_file and the unit tests.
void load_config_text(std::string_view yaml, std::string_view origin, relay_options& options);

/// Checks the finished options (TLS files or --no-tls, at least one policy with keys, sane limits).
/// nullopt when usable, else the message for the user.
std::optional<std::string> validate(const relay_options& options);

}  // namespace azbridge::relay_server
