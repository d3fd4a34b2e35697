// A relayed WebSocket connection: the sender's and the listener's accepted WebSockets spliced frame by
// frame, as the service does it (throughput-notes.md §4, azbridge-compat.md §4.1.4):
//   - message types and boundaries are preserved (frames may be re-cut at the buffer size);
//   - a Close is passed on with its code and reason (1005 -> 1000) and ends that direction only: the other
//     direction keeps flowing until its own Close (the half-close azbridge's Shutdown() relies on);
//   - a peer that is lost or sends a malformed frame: the other side gets 1001 and both end within a grace
//     period; a message over limits.maxMessageBytes: 1009 to both;
//   - per direction one coroutine and one buffer: it reads again only after its write completed, so a slow
//     side back-pressures its peer through TCP and costs at most one buffer.
// Built on net::ws_channel (server role): Beast's stream answers a received Close itself and drops the rest.
#pragma once

#include "azbridge/net/ws_channel.hpp"
#include "azbridge/net/ws_stream.hpp"
#include "relay_context.hpp"

#include <boost/asio/steady_timer.hpp>

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
    side(net::ws_stream&& ws, connection_slot s, std::size_t buffer_bytes);
    net::ws_channel channel;
    connection_slot slot;
    net::frame_buffer out;  // what is written to this side: one piece read from the other
  };

  net::awaitable<void> pump(side& from, side& to);
  /// Both directions ended: complete both closing handshakes and close the sockets.
  net::awaitable<void> finish();
  /// After a failure or a stop: whatever has not ended by then is dropped.
  void arm_deadline();

  std::shared_ptr<relay_context> ctx_;
  std::array<side, 2> sides_;
  std::string description_;
  std::uint64_t serial_;
  std::uint64_t hook_id_ = 0;
  int running_ = 0;  // directions still running
  net::asio::steady_timer deadline_;
  bool deadline_armed_ = false;
};

}  // namespace azbridge::relay_server
