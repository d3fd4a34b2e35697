// A relayed WebSocket connection: the sender's and the listener's accepted WebSockets spliced message by
// message (throughput-notes.md §4). Per direction one coroutine and one fixed buffer: read_some, then
// write_some with fin = "message done"; never read again before the write completed (back-pressure).
// Opcodes and message boundaries are preserved, frames may be re-cut. A close frame is passed on with its code
// and reason (1005 -> 1000); a dropped peer (1006) becomes 1001 on the other side.
#pragma once

#include "azbridge/net/ws_stream.hpp"
#include "relay_context.hpp"

#include <array>
#include <memory>

namespace azbridge::relay_server {

class relayed_pair : public std::enable_shared_from_this<relayed_pair> {
 public:
  relayed_pair(std::shared_ptr<relay_context> ctx, net::ws_stream sender, connection_slot sender_slot,
               net::ws_stream listener, connection_slot listener_slot, std::string description);
  ~relayed_pair();

  /// Starts both directions; the pair keeps itself alive until both have ended.
  void start();

  /// Closes both sides with 1001 (relay shutting down).
  void stop();

 private:
  struct side {
    net::ws_stream ws;
    connection_slot slot;
    // What was read from this side, waiting to be written to the other. Deliberately not zero-filled: pages
    // become resident only when data reaches them, so a connection carrying small messages costs a page or
    // two here instead of the full splice buffer (which a std::vector would memset).
    std::unique_ptr<unsigned char[]> buffer;
    bool close_started = false;
  };

  net::awaitable<void> pump(side& from, side& to);
  net::awaitable<void> close_side(side& s, net::websocket::close_reason reason);

  std::shared_ptr<relay_context> ctx_;
  std::array<side, 2> sides_;
  std::string description_;
  std::uint64_t serial_;
  std::uint64_t hook_id_ = 0;
};

}  // namespace azbridge::relay_server
