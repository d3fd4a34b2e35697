// WebSocket frames (RFC 6455 §5) as bytes in, values out: the data phase of a relayed connection, on both
// ends (forwarders) and in the middle (the relay's splice).
//
// Why not Beast for the data phase: azbridge maps TCP half-close onto the WebSocket close handshake the way
// .NET's WebSocket allows it (CloseOutputAsync, then keep reading; receive a Close, then keep writing until
// the local socket ends: azbridge-compat.md §4.1.4, §4.3). Beast's stream drains and discards incoming
// data once it has sent a Close and answers a received Close at once, so a half-closed TCP connection
// would lose the rest of its data. The handshake stays with Beast (net::ws_connect, relay_client); after it
// the bridge and the relay's splice speak frames themselves with this codec (net/ws_channel.hpp).
//
// No Asio here; the decoder is fuzzed.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace azbridge::protocol::ws {

enum class opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

/// Who we are on this connection: a client masks every frame it sends and must receive unmasked frames;
/// a server the reverse. Both forwarders are WebSocket clients of the relay.
enum class role { client, server };

/// Close status codes we send or check (RFC 6455 §7.4.1).
namespace close_code {
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t going_away = 1001;
inline constexpr std::uint16_t protocol_error = 1002;
inline constexpr std::uint16_t no_status = 1005;  // never sent: "the Close frame had no code"
inline constexpr std::uint16_t too_big = 1009;
inline constexpr std::uint16_t internal_error = 1011;
}  // namespace close_code

/// Largest frame header: 2 bytes + 8 bytes of length + 4 bytes of masking key.
inline constexpr std::size_t max_header_size = 14;
/// Control frames carry at most 125 bytes of payload.
inline constexpr std::size_t max_control_payload = 125;

using mask_key = std::array<std::uint8_t, 4>;

/// Writes a frame header for `payload_size` bytes into `out` and returns its length (2..14). With a mask
/// key (client role) the MASK bit and key are included; the caller masks the payload with apply_mask.
std::size_t encode_header(std::span<std::uint8_t, max_header_size> out, opcode op, bool fin,
                          std::uint64_t payload_size, const mask_key* key);

/// XORs `data` with the key, starting at byte `offset` of the payload (masking and unmasking are the same).
void apply_mask(std::span<std::uint8_t> data, const mask_key& key, std::uint64_t offset = 0);

/// The payload of a Close frame: the code in network order and the reason, cut to fit 125 bytes.
/// Code 1005 means "no code": an empty payload.
std::string encode_close_payload(std::uint16_t code, std::string_view reason);

/// Decodes a stream of frames in place (payloads are unmasked in the caller's buffer, never copied).
///
/// Call next() with the bytes received and not yet consumed; act on the result; drop `consumed` bytes from
/// the front; call again. `need_more` means: keep the unconsumed bytes (at most one partial header or one
/// partial control frame, i.e. < 140 bytes) and receive more after them. Data payloads come out in pieces
/// as they arrive, so a frame of any length passes through a small buffer.
class frame_decoder {
 public:
  enum class kind {
    need_more,  // nothing complete yet
    data,       // a piece of a text/binary message (payload may be empty for an empty frame)
    ping,       // a complete Ping; payload = its application data
    pong,       // a complete Pong
    close,      // a complete Close; close_code/close_reason set (1005 when the frame had no code)
    error,      // protocol violation; error_code is the close code to send, error_text says why
  };

  struct result {
    kind what = kind::need_more;
    std::size_t consumed = 0;
    std::span<std::uint8_t> payload;      // points into the input
    opcode message_type = opcode::binary;  // data: text or binary (of the message, not the frame)
    bool message_done = false;             // data: this piece ends the message
    std::uint16_t close_code = close_code::no_status;
    std::string_view close_reason;         // points into the input
    std::uint16_t error_code = 0;
    std::string_view error_text;           // static text
  };

  explicit frame_decoder(role self) : self_(self) {}

  result next(std::span<std::uint8_t> input);

  /// True between the first and the last frame of a data message.
  bool in_message() const noexcept { return in_message_; }

 private:
  result fail(std::uint16_t code, std::string_view text);

  role self_;
  // Current data frame whose payload is still arriving.
  bool in_payload_ = false;
  std::uint64_t remaining_ = 0;
  std::uint64_t offset_ = 0;  // payload bytes of this frame already delivered (for the mask phase)
  bool masked_ = false;
  mask_key key_{};
  bool fin_ = false;
  // Current message (possibly fragmented).
  bool in_message_ = false;
  opcode message_type_ = opcode::binary;
  bool failed_ = false;
};

}  // namespace azbridge::protocol::ws
