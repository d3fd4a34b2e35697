// azbridge's configuration model: what the YAML files, `-o` overrides and command-line options add up to.
//
// The field names follow azbridge's YAML schema (PascalCase in the files, snake_case here; see the shared
// reference azbridge-compat.md §2.3-2.5). Consumers (the forwarders) read a fully merged and validated
// `config` produced by config::load() (load.hpp); every value in it has passed azbridge's validation rules.
//
// Conventions:
//  * An empty string means "not set" (YAML `Key:` with no value, or the key absent).
//  * Ports: a negative number means UDP (azbridge's encoding); 0 means "no port" (a Unix socket binding).
//  * Scalars whose absence matters for merging are std::optional; use the effective_*() helpers for the
//    value azbridge would use (defaults applied).
#pragma once

#include "azbridge/protocol/connection_string.hpp"

#include <optional>
#include <string>
#include <vector>

namespace azbridge::config {

/// One listening endpoint of a local forwarder (`-L`): a TCP/UDP port or a Unix socket.
struct local_forward_binding {
  std::string bind_address;       // BindAddress: IP literal (IPv6 without brackets) or host name; empty = unset
  int bind_port = 0;              // BindPort: 1..65535 TCP, -65535..-1 UDP, 0 = none (socket binding)
  std::string bind_local_socket;  // BindLocalSocket: Unix socket path; empty = not a socket binding
  std::string port_name;          // PortName as configured; empty = derived (see effective_port_name)
  std::string host_name;          // HostName: informational DNS name
  bool no_authentication = false; // NoAuthentication: connect to the relay without any token

  bool is_socket() const noexcept { return !bind_local_socket.empty(); }
  bool is_udp() const noexcept { return bind_port < 0; }
  /// The port number without the UDP sign (0 for socket bindings).
  int port() const noexcept { return bind_port < 0 ? -bind_port : bind_port; }
  /// PortName, or azbridge's default: "<port>" for TCP, "<port>U" for UDP, empty for sockets.
  std::string effective_port_name() const;
  /// BindAddress, or "localhost" when unset (azbridge fails to start then; we bind loopback instead).
  std::string effective_bind_address() const;
};

/// `-L`/LocalForward: listens locally and opens relayed connections to the hybrid connection `relay_name`.
struct local_forward {
  std::string relay_name;                                     // RelayName (the hybrid connection)
  std::optional<protocol::connection_string> connection;      // ConnectionString (replaces the global one)
  std::vector<local_forward_binding> bindings;                // Bindings (shortcut keys write bindings[0])
  std::string origin;  // where it was defined, for messages: "-L 16161:db" or "/etc/x.yml:12"
};

/// One target of a remote forwarder (`-T`/`-R`/`-H`): a TCP/UDP host:port, a Unix socket or an HTTP(S) origin.
struct remote_forward_binding {
  std::string host;          // Host: target host name or IP; empty = unset
  int host_port = 0;         // HostPort: 1..65535 TCP, -65535..-1 UDP, 0 = none (socket binding)
  std::string local_socket;  // LocalSocket: Unix socket path; empty = not a socket binding
  std::string port_name;     // PortName as configured; empty = derived (see effective_port_name)
  bool http = false;         // Http: reverse-proxy HTTP requests; port_name is then the scheme http|https
  bool insecure = false;     // Insecure: accept any TLS certificate from an https target
  std::string path;          // Path: base path for HTTP targets, e.g. "/foo/"; empty = none

  bool is_socket() const noexcept { return !local_socket.empty(); }
  bool is_udp() const noexcept { return host_port < 0; }
  int port() const noexcept { return host_port < 0 ? -host_port : host_port; }
  /// PortName, or "<port>" (TCP) / "<port>U" (UDP); empty for sockets without a name.
  std::string effective_port_name() const;
  /// Host, or "localhost" when unset (azbridge fails every connection then).
  std::string effective_host() const;
};

/// `-T`/`-R`/`-H`/RemoteForward: listens on the hybrid connection `relay_name` and connects to local targets.
struct remote_forward {
  std::string relay_name;
  std::optional<protocol::connection_string> connection;
  std::vector<remote_forward_binding> bindings;
  std::string origin;

  /// True when any binding is an HTTP reverse proxy (azbridge's RemoteForward.Http).
  bool is_http() const noexcept;
};

/// The top-level keys of azbridge's configuration (Config.cs).
struct config {
  std::optional<std::string> address_family;  // AddressFamily: any|inet|inet6 (no effect, as in azbridge)
  // The global RelayConnectionStringBuilder: AzureRelayConnectionString replaces it as a whole,
  // AzureRelayEndpoint/SharedAccessKeyName/SharedAccessKey/SharedAccessSignature set single fields.
  // Empty fields are unset; an empty endpoint means "no global connection string".
  protocol::connection_string connection;
  std::optional<std::string> bind_address;     // BindAddress (-b): source address for remote forwarders
  std::optional<bool> clear_all_forwardings;   // ClearAllForwardings
  std::optional<int> connection_attempts;      // ConnectionAttempts 1..10 (no effect, as in azbridge)
  std::optional<int> connect_timeout;          // ConnectTimeout 0..120 s (no effect, as in azbridge)
  std::optional<bool> exit_on_forward_failure; // ExitOnForwardFailure, default true
  std::optional<bool> gateway_ports;           // GatewayPorts (-g; no effect, as in azbridge)
  std::optional<int> keep_alive_interval;      // KeepAliveInterval (-a) seconds, default 30
  std::vector<local_forward> local_forwards;   // LocalForward
  std::optional<std::string> log_file_name;    // LogFileName (-l)
  std::optional<std::string> log_level;        // LogLevel (-v = VERBOSE, -q = NONE), default ERROR
  std::vector<remote_forward> remote_forwards; // RemoteForward

  int effective_keep_alive_interval() const noexcept { return keep_alive_interval.value_or(30); }
  bool effective_exit_on_forward_failure() const noexcept { return exit_on_forward_failure.value_or(true); }
  std::string effective_log_level() const { return log_level.value_or("ERROR"); }
  bool has_forwards() const noexcept { return !local_forwards.empty() || !remote_forwards.empty(); }

  /// The global connection string, or nullopt when no endpoint is set (azbridge's getter returns null then).
  std::optional<protocol::connection_string> global_connection() const;
};

/// The connection a forwarder uses (azbridge's LocalForwardHost/RemoteForwardHost.StartEndpoint): its own
/// ConnectionString if set, else the global one, with EntityPath set to the relay name (any EntityPath given
/// is overwritten, as azbridge does). nullopt when neither exists.
std::optional<protocol::connection_string> effective_connection(const config& c, const local_forward& f);
std::optional<protocol::connection_string> effective_connection(const config& c, const remote_forward& f);

/// The hybrid connection's URI: EntityPath resolved as a relative URI against Endpoint, as azbridge does
/// ("sb://ns.servicebus.windows.net/" + "db" -> "sb://ns.servicebus.windows.net/db"); the endpoint alone when
/// EntityPath is empty. This is the resource a SAS token for the relay is signed for.
std::string entity_uri(const protocol::connection_string& cs);

}  // namespace azbridge::config
