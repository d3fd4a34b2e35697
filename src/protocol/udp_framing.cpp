// Length-prefixed UDP datagrams, one per WebSocket message.
#include "azbridge/protocol/udp_framing.hpp"

#include <cstring>
#include <string>

namespace azbridge::protocol::udp {
namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "azbridge.udp_framing"; }
  std::string message(int ev) const override {
    switch (static_cast<frame_error>(ev)) {
      case frame_error::payload_too_large: return "UDP datagram larger than 65535 bytes";
      case frame_error::buffer_too_small: return "buffer too small for the framed datagram";
      case frame_error::message_too_short: return "relayed UDP message shorter than its 2-byte length prefix";
      case frame_error::length_mismatch: return "relayed UDP message length does not match its length prefix";
    }
    return "unknown UDP framing error";
  }
};

}  // namespace

const std::error_category& frame_category() noexcept {
  static const category instance;
  return instance;
}

std::error_code make_error_code(frame_error e) noexcept { return {static_cast<int>(e), frame_category()}; }

std::array<std::uint8_t, length_prefix_size> encode_prefix(std::size_t payload_size, std::error_code& ec) noexcept {
  if (payload_size > max_payload) {
    ec = frame_error::payload_too_large;
    return {0, 0};
  }
  ec.clear();
  return {static_cast<std::uint8_t>(payload_size >> 8), static_cast<std::uint8_t>(payload_size & 0xFF)};
}

std::size_t encode_frame(std::span<const std::uint8_t> payload, std::span<std::uint8_t> out, std::error_code& ec) noexcept {
  const auto prefix = encode_prefix(payload.size(), ec);
  if (ec) return 0;
  if (out.size() < length_prefix_size + payload.size()) {
    ec = frame_error::buffer_too_small;
    return 0;
  }
  // memmove: the payload may already be in place at out[2...].
  if (!payload.empty() && payload.data() != out.data() + length_prefix_size)
    std::memmove(out.data() + length_prefix_size, payload.data(), payload.size());
  out[0] = prefix[0];
  out[1] = prefix[1];
  return length_prefix_size + payload.size();
}

std::span<const std::uint8_t> decode_frame(std::span<const std::uint8_t> message, std::error_code& ec) noexcept {
  if (message.size() < length_prefix_size) {
    ec = frame_error::message_too_short;
    return {};
  }
  const std::size_t length = (static_cast<std::size_t>(message[0]) << 8) | message[1];
  if (length != message.size() - length_prefix_size) {
    ec = frame_error::length_mismatch;
    return {};
  }
  ec.clear();
  return message.subspan(length_prefix_size);
}

}  // namespace azbridge::protocol::udp
