// The data phase of a relayed connection: a WebSocket whose two directions close independently.
//
// Built from a handshaken net::ws_stream (it takes over its TLS or TCP transport and any bytes Beast had
// already buffered), it speaks frames itself (ws_frame.hpp) so that:
//   - close_output() sends Close(1000, "Shutdown") and reading continues until the peer's Close
//     (.NET's CloseOutputAsync, which azbridge's Shutdown() uses for a TCP half-close);
//   - a received Close ends reading only; writing continues until close_output() (azbridge answers a
//     Close with shutdown(SHUT_WR) on the target and keeps pumping the other way).
// Pings are answered without blocking the reader; unsolicited pongs are ignored (they are keep-alives).
//
// One reader and one writer may run at the same time (the two directions of a pump). Everything runs on
// the executor of the transport: no locks. The object is a cheap handle; copies share the connection.
#pragma once

#include "azbridge/protocol/ws_frame.hpp"
#include "azbridge/net/asio.hpp"
#include "azbridge/net/ws_stream.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <tuple>

namespace azbridge::net {

namespace ws = protocol::ws;

/// A send buffer with room for a frame header in front of the payload, so a message leaves in one
/// contiguous write (one TLS record per 16 KiB, no header-only records) and is masked in place.
class frame_buffer {
 public:
  explicit frame_buffer(std::size_t payload_capacity);
  std::uint8_t* payload() noexcept { return mem_.get() + ws::max_header_size; }
  std::size_t capacity() const noexcept { return capacity_; }
  net::asio::mutable_buffer payload_buffer() noexcept { return {payload(), capacity_}; }

 private:
  friend class ws_channel;
  std::uint8_t* base() noexcept { return mem_.get(); }
  std::unique_ptr<std::uint8_t[]> mem_;
  std::size_t capacity_;
};

struct ws_channel_options {
  ws::role self = ws::role::client;        // the forwarders are clients of the relay
  std::size_t read_buffer_bytes = 64 * 1024;
};

class ws_channel {
 public:
  using error_code = net::error_code;

  /// Takes over the transport of a WebSocket whose handshake is complete (nothing may have been read or
  /// written through Beast after it). Bytes Beast read past the handshake are kept and decoded first.
  static ws_channel adopt(net::ws_stream&& ws, ws_channel_options options = {});

  ws_channel() = default;
  explicit operator bool() const noexcept { return impl_ != nullptr; }

  // ---- reading (one at a time)
  /// The next piece of payload (at most `max_bytes`, never empty), valid until the next read. Message
  /// boundaries are not reported: the data phase is a byte stream. Ends with `closed()` as the error once
  /// the peer's Close arrived (see close_code()/close_reason()); other errors: transport failure,
  /// `protocol_error()` for a malformed frame (a Close with 1002 is then sent).
  net::awaitable<std::tuple<error_code, std::span<const std::uint8_t>>> read_some(std::size_t max_bytes = SIZE_MAX);

  /// Reads exactly out.size() bytes (across messages). `closed()` if the peer closed first.
  net::awaitable<error_code> read_exact(std::span<std::uint8_t> out);

  /// A piece of a message, for readers that need message boundaries (UDP datagrams, a relay splice).
  struct piece {
    std::span<const std::uint8_t> data;  // may be empty (an empty message, or an empty final frame)
    bool binary = true;                  // the message's type
    bool message_done = false;           // this piece ends the message
  };
  /// The next piece (at most `max_bytes`), valid until the next read. Errors as read_some.
  net::awaitable<std::tuple<error_code, piece>> read_piece(std::size_t max_bytes = SIZE_MAX);
  /// Reads one whole message into `out`. A message longer than `out` is read to its end and reported as
  /// message_size() error with the bytes that fit.
  net::awaitable<std::tuple<error_code, std::size_t>> read_message(std::span<std::uint8_t> out);

  // ---- writing (one at a time)
  /// Sends `size` payload bytes of `buffer` as one binary message. The payload is masked in place
  /// (client role): its contents are undefined afterwards.
  net::awaitable<error_code> write(frame_buffer& buffer, std::size_t size);
  /// Sends a small message (copied).
  net::awaitable<error_code> write(std::span<const std::uint8_t> bytes);
  /// Sends one frame of a message (a relay splice): the first frame of a message carries its type, the
  /// next ones are continuations; `fin` ends the message.
  net::awaitable<error_code> write_frame(frame_buffer& buffer, std::size_t size, bool binary, bool fin);
  /// Sends a Close frame: no more writes after it; reading continues until the peer's Close.
  net::awaitable<error_code> close_output(std::uint16_t code = ws::close_code::normal,
                                          std::string_view reason = "Shutdown");
  /// An unsolicited Pong: keeps NAT and load-balancer state alive without asking for an answer.
  net::awaitable<error_code> send_keepalive();

  // ---- the end
  /// Completes the closing handshake within `grace`: sends Close(1000) if not yet sent, discards data
  /// until the peer's Close if not yet received, then closes TLS and TCP in order (no RST). On timeout
  /// or error the connection is dropped. Call when neither a read nor a write is in progress.
  net::awaitable<void> finish(std::chrono::milliseconds grace);
  /// Closes the socket at once: pending operations complete with an error.
  void abort() noexcept;

  bool close_sent() const noexcept;
  bool close_received() const noexcept;
  std::uint16_t close_code() const noexcept;     // the peer's code (1005 if none or not received)
  const std::string& close_reason() const noexcept;
  bool is_tls() const noexcept;
  net::asio::any_io_executor get_executor() const noexcept;
  std::string remote_endpoint() const;  // "ip:port" of the relay

  /// The error read_some returns once the peer's Close has arrived.
  static error_code closed();
  /// The error for a malformed frame from the peer.
  static error_code protocol_error();
  /// read_message: the message did not fit the buffer.
  static error_code message_size();

  struct impl;

 private:
  explicit ws_channel(std::shared_ptr<impl> p) : impl_(std::move(p)) {}
  std::shared_ptr<impl> impl_;
};

}  // namespace azbridge::net
