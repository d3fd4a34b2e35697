// State shared by every connection of one relay (one io_context, one thread: no locks). Held by shared_ptr
// so coroutine frames that outlive a hard stop still find it when the io_context destroys them.
#pragma once

#include "azbridge/net/asio.hpp"
#include "azbridge/net/ws_stream.hpp"
#include "azbridge/protocol/control_messages.hpp"
#include "azbridge/relay_server/catalog.hpp"
#include "azbridge/relay_server/listener_registry.hpp"
#include "azbridge/relay_server/options.hpp"
#include "azbridge/relay_server/rendezvous_table.hpp"
#include "one_shot_event.hpp"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <variant>

namespace azbridge::relay_server {

class control_channel;
struct relay_context;

/// Counts one open TCP connection while alive; moves along with its socket (into a relayed pair, ...).
class connection_slot {
 public:
  connection_slot() = default;
  explicit connection_slot(std::shared_ptr<relay_context> ctx);
  connection_slot(connection_slot&& o) noexcept = default;
  connection_slot& operator=(connection_slot&& o) noexcept;
  ~connection_slot();

 private:
  void release() noexcept;
  std::shared_ptr<relay_context> ctx_;
};

/// What to do to a connection when the relay stops (abort a socket, close a channel with 1001, ...).
class stop_hooks {
 public:
  std::uint64_t add(std::function<void()> f) {
    auto id = next_++;
    hooks_.emplace(id, std::move(f));
    return id;
  }
  void remove(std::uint64_t id) { hooks_.erase(id); }
  void replace(std::uint64_t id, std::function<void()> f) {
    if (auto it = hooks_.find(id); it != hooks_.end()) it->second = std::move(f);
  }
  void run_all() {
    auto hooks = std::move(hooks_);
    hooks_.clear();
    for (auto& [id, f] : hooks) f();
  }
  std::size_t size() const noexcept { return hooks_.size(); }

 private:
  std::map<std::uint64_t, std::function<void()>> hooks_;
  std::uint64_t next_ = 1;
};

/// A sender waiting for a listener to come to its accept address.
struct pending_accept {
  explicit pending_accept(net::asio::any_io_executor ex) : ready(std::move(ex)) {}
  one_shot_event ready;
  bool done = false;                        // the sender stopped waiting (timeout, shutdown, success)
  std::optional<net::ws_stream> listener;   // the listener's accepted rendezvous WebSocket
  std::optional<connection_slot> listener_slot;
  std::string protocol;                     // Sec-WebSocket-Protocol the listener chose ("" for none)
  std::optional<int> reject_status;         // the listener rejected: status and description for the sender
  std::string reject_reason;
};

/// An HTTP request waiting for its response (from the control channel or a request rendezvous).
struct http_exchange {
  explicit http_exchange(net::asio::any_io_executor ex) : ready(std::move(ex)) {}
  one_shot_event ready;
  bool done = false;
  bool request_delivered = false;  // the whole request already went over the control channel
  std::optional<protocol::response_command> response;  // a response that came on the control channel
  std::string body;                                      // its body
  std::optional<net::ws_stream> rendezvous;              // or the listener's request rendezvous
  std::optional<connection_slot> rendezvous_slot;
  bool listener_lost = false;  // the control channel closed before an answer
};

struct rendezvous_entry {
  std::variant<std::weak_ptr<pending_accept>, std::weak_ptr<http_exchange>> target;
  std::string hc_key;
};

struct relay_context {
  relay_context(net::asio::io_context& io, relay_options o);

  net::asio::io_context& ioc;
  relay_options options;
  std::optional<net::ssl::context> tls;
  net::tcp::acceptor acceptor;
  hc_catalog catalog;
  basic_listener_registry<control_channel> listeners;
  rendezvous_table<rendezvous_entry> rendezvous;
  std::mt19937_64 rng;
  std::size_t open_connections = 0;
  bool stopping = false;
  std::string default_authority;  // host:port the relay is bound to (rendezvous addresses fall back to it)
  stop_hooks hooks;
  std::uint64_t next_serial = 1;  // numbers listeners and connections in logs

  net::asio::any_io_executor executor() { return ioc.get_executor(); }
  const char* ws_scheme() const { return tls ? "wss" : "ws"; }
};

/// Registers a stop action for the lifetime of this object; runs it at once if the relay is stopping.
class stop_hook {
 public:
  stop_hook(relay_context& ctx, std::function<void()> f) : ctx_(ctx) {
    if (ctx_.stopping) {
      f();
    } else {
      id_ = ctx_.hooks.add(std::move(f));
    }
  }
  ~stop_hook() {
    if (id_) ctx_.hooks.remove(id_);
  }
  stop_hook(const stop_hook&) = delete;
  stop_hook& operator=(const stop_hook&) = delete;
  void reset(std::function<void()> f) {
    if (id_) ctx_.hooks.replace(id_, std::move(f));
  }

 private:
  relay_context& ctx_;
  std::uint64_t id_ = 0;
};

}  // namespace azbridge::relay_server
