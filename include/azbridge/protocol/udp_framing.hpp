// UDP datagrams over a relayed WebSocket (azbridge-compat.md §4.4): each datagram is exactly ONE binary
// WebSocket message [len_hi, len_lo, payload...] with a 2-byte big-endian length, payload at most 65535 bytes.
// The C# peers read the prefix and payload with reads that assume this, so a frame must never be split
// across messages, and a message must never carry two frames. No allocation here: callers own the buffers.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <system_error>

namespace azbridge::protocol::udp {

inline constexpr std::size_t length_prefix_size = 2;
inline constexpr std::size_t max_payload = 65535;
inline constexpr std::size_t max_frame = length_prefix_size + max_payload;

enum class frame_error {
  payload_too_large = 1,  // encode: the datagram exceeds 65535 bytes
  buffer_too_small,       // encode: `out` cannot hold prefix + payload
  message_too_short,      // decode: fewer than 2 bytes, no length prefix
  length_mismatch,        // decode: prefix length != bytes that follow it (a split or coalesced frame)
};
const std::error_category& frame_category() noexcept;
std::error_code make_error_code(frame_error e) noexcept;

/// The 2-byte prefix for a payload of `payload_size` bytes, for senders that gather prefix and payload
/// into one WebSocket message without copying. Sets ec (payload_too_large) and returns {0, 0} when too big.
std::array<std::uint8_t, length_prefix_size> encode_prefix(std::size_t payload_size, std::error_code& ec) noexcept;

/// Writes prefix + payload into `out` and returns the frame size (payload.size() + 2); 0 with ec set when the
/// payload is too large or `out` too small. `payload` may already sit at out[2...] (receive the datagram there to
/// avoid the copy); other overlaps are not allowed.
std::size_t encode_frame(std::span<const std::uint8_t> payload, std::span<std::uint8_t> out, std::error_code& ec) noexcept;

/// The payload of one whole WebSocket message. The length prefix must match the rest of the message exactly:
/// anything else (ec = message_too_short or length_mismatch) means the peer broke the one-datagram-per-message
/// rule. Callers should drop that message (count or log it, never echo its bytes) and keep the connection: each
/// message stands alone, so the next one decodes normally. Returns an empty span with ec set on failure; a valid
/// empty datagram returns an empty span with ec cleared.
std::span<const std::uint8_t> decode_frame(std::span<const std::uint8_t> message, std::error_code& ec) noexcept;

}  // namespace azbridge::protocol::udp

template <>
struct std::is_error_code_enum<azbridge::protocol::udp::frame_error> : std::true_type {};
