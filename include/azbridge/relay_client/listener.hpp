// Listener: holds a control channel to one hybrid connection and hands the application each relayed
// WebSocket (accept) and each relayed HTTP request (request). This is what a remote forwarder needs:
// one listener per relay name (azbridge-compat.md §4.1.2; protocol: hybrid-connections-protocol.md §3, §5).
//
//   relay_client::listener_options o;
//   o.endpoint = "sb://ns.servicebus.windows.net/";  o.entity_path = "db";
//   o.tokens = relay_client::make_sas_key_provider(name, key);  o.tls = &tls_context;
//   o.keepalive_interval = std::chrono::seconds(cfg.keep_alive_interval);        // azbridge -a
//   relay_client::listener_handlers h;
//   h.on_accept = [](net::ws_stream ws, relay_client::accept_info info) -> net::awaitable<void> { ... };
//   h.on_request = [](relay_client::http_request r) -> net::awaitable<relay_client::http_response> { ... };
//   h.on_status = [](const relay_client::listener_status& s) { ... };   // connecting/online/offline/stopped
//   relay_client::listener l(io.get_executor(), std::move(o), std::move(h));
//   l.start();  ...  l.stop();   // or: co_await l.async_run();
//
// Behaviour:
// * Control channel wss://host/$hc/{path}?sb-hc-action=listen&sb-hc-id={guid} with ServiceBusAuthorization and
//   Relay-User-Agent. renewToken is sent at 80 % of each token's lifetime (a new token from the provider).
// * Keepalive: an unsolicited PONG every keepalive_interval; the channel is declared dead and reopened when
//   nothing at all was received for liveness_timeout (default: two intervals).
// * Reconnect after any loss or failed attempt (also the first one) with 0/1/2/5/10/30 s + jitter, reset once
//   online, until stop(). stop() closes the channel with 1000 "Normal Closure".
// * accept: the rendezvous WebSocket is opened to the given address as-is (no token, rendezvous_timeout,
//   echoing the first offered subprotocol), then on_accept runs on its own strand with the ready binary
//   stream. decide() may reject instead (the sender sees the given status and text).
//   Established streams are independent of the control channel: they survive its reconnects and stop().
// * request: requests with a body <= 64 KiB arrive on the control channel, larger ones are fetched over a
//   rendezvous. on_request's response goes back on the control channel when its body is <= 64 KiB, else over
//   the rendezvous in 64 KiB fragments. Responses may complete in any order. The relay gives up after 60 s.
// All callbacks may be called from the executor's threads; the listener serializes its own state on a strand.
#pragma once

#include "azbridge/net/ws_stream.hpp"
#include "azbridge/protocol/control_messages.hpp"
#include "azbridge/relay_client/token_provider.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace azbridge::relay_client {

/// What the listener learns about a sender before and after accepting it. Independent of azbridge's
/// port names: those travel inside the stream (the preamble), read by the forwarder.
struct accept_info {
  std::string id;                             // the sender's tracking id (accept.id)
  std::string address;                        // the rendezvous URL (contains the sender's path suffix and query)
  protocol::header_list connect_headers;      // every header the sender sent (no token)
  std::optional<protocol::remote_endpoint> remote;  // the sender's address and port, when the relay gives it
  std::string subprotocol;                    // the Sec-WebSocket-Protocol echoed to the sender (may be empty)
};

struct rejection {
  int status_code = 403;
  std::string description = "Rejected";
};

struct http_request {
  std::string id;                             // request id (echoed in the response)
  std::string method;
  std::string target;                         // request target incl. the hybrid connection path, sb-hc-* removed
  protocol::header_list headers;
  std::string body;
  std::optional<protocol::remote_endpoint> remote;
  bool via_rendezvous = false;                // the request was fetched over a rendezvous
};

struct http_response {
  int status_code = 200;
  std::string reason;                         // empty: the standard reason phrase
  protocol::header_list headers;              // no hop-by-hop headers; Content-Length is set by the relay
  std::string body;
};

struct listener_status {
  enum class state { connecting, online, offline, stopped };
  state what = state::connecting;
  std::string reason;                         // offline: why (no secrets)
  int http_status = 0;                        // offline after a declined handshake (401, 403, 404, ...)
  unsigned failed_attempts = 0;               // consecutive failures since the last time online
  std::chrono::milliseconds retry_in{0};      // offline: delay before the next attempt
};
std::string_view to_string(listener_status::state s);

struct listener_options {
  std::string endpoint;                       // "sb://host[:port]/" ("ws://host:port/" for a --no-tls relay)
  std::string entity_path;                    // the hybrid connection name
  std::shared_ptr<token_provider> tokens;     // required; make_no_auth_provider() is not accepted by relays
  net::ssl::context* tls = nullptr;           // client context (verified); must outlive the listener
  bool verify_tls = true;
  std::chrono::seconds keepalive_interval{30};               // azbridge -a; zero disables keepalive and liveness
  std::chrono::milliseconds liveness_timeout{0};            // zero: 2 * keepalive_interval
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(60)};     // control channel open
  std::chrono::milliseconds rendezvous_timeout{std::chrono::seconds(20)};  // accept/request rendezvous open
  std::chrono::milliseconds response_timeout{std::chrono::seconds(60)};    // writing one rendezvous response
  std::size_t max_request_body = 64 * 1024 * 1024;         // larger rendezvous request bodies are refused
  double renew_fraction = default_renew_fraction;
};

struct listener_handlers {
  /// Optional: return a rejection to refuse a sender (no rendezvous stream is opened for it).
  std::function<std::optional<rejection>(const accept_info&)> decide;
  /// Receives each accepted stream (binary, TCP_NODELAY). Without it senders are rejected with 501.
  std::function<net::awaitable<void>(net::ws_stream, accept_info)> on_accept;
  /// Answers relayed HTTP requests. Without it requests get 501. An exception becomes 500.
  std::function<net::awaitable<http_response>(http_request)> on_request;
  /// Status changes, for logs and ExitOnForwardFailure.
  std::function<void(const listener_status&)> on_status;
};

class listener {
 public:
  listener(net::asio::any_io_executor executor, listener_options options, listener_handlers handlers);
  ~listener();  // stops (the run loop ends on its own shortly after)
  listener(const listener&) = delete;
  listener& operator=(const listener&) = delete;

  /// Starts the run loop in the background (detached).
  void start();
  /// Runs until stop(); completes after the graceful close.
  net::awaitable<void> async_run();
  /// Thread-safe. Closes the control channel with 1000 "Normal Closure" and ends the run loop.
  void stop();

  /// The sb-hc-id this listener uses for its control channel (the relay logs it).
  const std::string& tracking_id() const;

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace azbridge::relay_client
