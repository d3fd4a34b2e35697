#include "azbridge/protocol/ws_frame.hpp"

#include <algorithm>
#include <cstring>

namespace azbridge::protocol::ws {

namespace {

bool is_control(std::uint8_t op) { return (op & 0x8) != 0; }

bool known_opcode(std::uint8_t op) {
  switch (op) {
    case 0x0: case 0x1: case 0x2: case 0x8: case 0x9: case 0xA: return true;
    default: return false;
  }
}

// Close codes a peer may put on the wire (RFC 6455 §7.4): 1000-1003, 1007-1014, 3000-4999.
bool valid_close_code(std::uint16_t code) {
  if (code >= 3000 && code <= 4999) return true;
  if (code >= 1000 && code <= 1003) return true;
  return code >= 1007 && code <= 1014;
}

}  // namespace

std::size_t encode_header(std::span<std::uint8_t, max_header_size> out, opcode op, bool fin,
                          std::uint64_t payload_size, const mask_key* key) {
  std::size_t n = 0;
  out[n++] = static_cast<std::uint8_t>((fin ? 0x80 : 0x00) | static_cast<std::uint8_t>(op));
  const std::uint8_t mask_bit = key != nullptr ? 0x80 : 0x00;
  if (payload_size < 126) {
    out[n++] = static_cast<std::uint8_t>(mask_bit | payload_size);
  } else if (payload_size <= 0xFFFF) {
    out[n++] = static_cast<std::uint8_t>(mask_bit | 126);
    out[n++] = static_cast<std::uint8_t>(payload_size >> 8);
    out[n++] = static_cast<std::uint8_t>(payload_size);
  } else {
    out[n++] = static_cast<std::uint8_t>(mask_bit | 127);
    for (int shift = 56; shift >= 0; shift -= 8) out[n++] = static_cast<std::uint8_t>(payload_size >> shift);
  }
  if (key != nullptr) {
    std::memcpy(&out[n], key->data(), 4);
    n += 4;
  }
  return n;
}

void apply_mask(std::span<std::uint8_t> data, const mask_key& key, std::uint64_t offset) {
  // The key repeated over 16 bytes, rotated so that index 0 of `data` lines up with payload byte `offset`.
  std::array<std::uint8_t, 16> k16{};
  for (std::size_t i = 0; i < k16.size(); ++i) k16[i] = key[(offset + i) % 4];
  // Every payload byte the forwarders send passes here. GCC vectorises neither a byte loop nor a 64-bit
  // loop over a 4-byte key, so say it with 16-byte vectors (GCC/Clang vector extension; SSE2 is the x86-64
  // baseline, other targets get plain code): 64 bytes per step, ~0.23 instructions per byte instead of ~0.38.
  typedef std::uint8_t v16 __attribute__((vector_size(16)));
  v16 kv;
  std::memcpy(&kv, k16.data(), sizeof kv);
  std::uint8_t* p = data.data();
  std::size_t n = data.size();
  for (; n >= 64; n -= 64, p += 64) {
    v16 a, b, c, d;  // memcpy: well defined for any alignment, compiled to unaligned vector loads/stores
    std::memcpy(&a, p, 16);
    std::memcpy(&b, p + 16, 16);
    std::memcpy(&c, p + 32, 16);
    std::memcpy(&d, p + 48, 16);
    a ^= kv;
    b ^= kv;
    c ^= kv;
    d ^= kv;
    std::memcpy(p, &a, 16);
    std::memcpy(p + 16, &b, 16);
    std::memcpy(p + 32, &c, 16);
    std::memcpy(p + 48, &d, 16);
  }
  for (std::size_t i = 0; i < n; ++i) p[i] ^= k16[i % 16];  // 64 is a multiple of 16: the key still lines up
}

std::string encode_close_payload(std::uint16_t code, std::string_view reason) {
  std::string out;
  if (code == close_code::no_status) return out;
  out.push_back(static_cast<char>(code >> 8));
  out.push_back(static_cast<char>(code & 0xFF));
  // Cut the reason so the payload fits a control frame; never split a UTF-8 sequence.
  std::size_t len = std::min(reason.size(), max_control_payload - 2);
  while (len > 0 && len < reason.size() && (static_cast<unsigned char>(reason[len]) & 0xC0) == 0x80) --len;
  out.append(reason.substr(0, len));
  return out;
}

frame_decoder::result frame_decoder::fail(std::uint16_t code, std::string_view text) {
  failed_ = true;
  result r;
  r.what = kind::error;
  r.error_code = code;
  r.error_text = text;
  return r;
}

frame_decoder::result frame_decoder::next(std::span<std::uint8_t> input) {
  if (failed_) return fail(close_code::protocol_error, "frame after a protocol error");

  // Payload of a data frame whose header was already consumed: hand out what has arrived.
  if (in_payload_) {
    result r;
    if (input.empty()) return r;
    const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, input.size()));
    auto piece = input.first(take);
    if (masked_) apply_mask(piece, key_, offset_);
    offset_ += take;
    remaining_ -= take;
    r.what = kind::data;
    r.consumed = take;
    r.payload = piece;
    r.message_type = message_type_;
    if (remaining_ == 0) {
      in_payload_ = false;
      r.message_done = fin_;
      if (fin_) in_message_ = false;
    }
    return r;
  }

  // A new frame header.
  if (input.size() < 2) return {};
  const std::uint8_t b0 = input[0];
  const std::uint8_t b1 = input[1];
  const bool fin = (b0 & 0x80) != 0;
  const std::uint8_t op = b0 & 0x0F;
  const bool masked = (b1 & 0x80) != 0;
  std::uint64_t len = b1 & 0x7F;

  if ((b0 & 0x70) != 0) return fail(close_code::protocol_error, "reserved bits set (no extension was negotiated)");
  if (!known_opcode(op)) return fail(close_code::protocol_error, "unknown opcode");
  if (self_ == role::client && masked) return fail(close_code::protocol_error, "masked frame from the server");
  if (self_ == role::server && !masked) return fail(close_code::protocol_error, "unmasked frame from the client");

  std::size_t header = 2;
  if (len == 126) {
    if (input.size() < 4) return {};
    len = (std::uint64_t{input[2]} << 8) | input[3];
    if (len < 126) return fail(close_code::protocol_error, "length not in its shortest form");
    header = 4;
  } else if (len == 127) {
    if (input.size() < 10) return {};
    len = 0;
    for (std::size_t i = 2; i < 10; ++i) len = (len << 8) | input[i];
    if ((len >> 63) != 0) return fail(close_code::protocol_error, "length with the most significant bit set");
    if (len <= 0xFFFF) return fail(close_code::protocol_error, "length not in its shortest form");
    header = 10;
  }
  mask_key key{};
  if (masked) {
    if (input.size() < header + 4) return {};
    std::memcpy(key.data(), &input[header], 4);
    header += 4;
  }

  if (is_control(op)) {
    if (!fin) return fail(close_code::protocol_error, "fragmented control frame");
    if (len > max_control_payload) return fail(close_code::protocol_error, "control frame longer than 125 bytes");
    // Control frames are handled whole: wait until all of it is here.
    if (input.size() < header + len) return {};
    auto payload = input.subspan(header, static_cast<std::size_t>(len));
    if (masked) apply_mask(payload, key, 0);
    result r;
    r.consumed = header + static_cast<std::size_t>(len);
    r.payload = payload;
    if (op == 0x9) {
      r.what = kind::ping;
    } else if (op == 0xA) {
      r.what = kind::pong;
    } else {
      if (len == 1) return fail(close_code::protocol_error, "close frame with a one-byte payload");
      r.what = kind::close;
      if (len >= 2) {
        r.close_code = static_cast<std::uint16_t>((payload[0] << 8) | payload[1]);
        if (!valid_close_code(r.close_code)) return fail(close_code::protocol_error, "invalid close code");
        r.close_reason = std::string_view(reinterpret_cast<const char*>(payload.data()) + 2, payload.size() - 2);
      }
    }
    return r;
  }

  // Data frame.
  if (op == 0x0) {
    if (!in_message_) return fail(close_code::protocol_error, "continuation frame without a message");
  } else {
    if (in_message_) return fail(close_code::protocol_error, "new message before the previous one ended");
    in_message_ = true;
    message_type_ = static_cast<opcode>(op);
  }
  fin_ = fin;
  masked_ = masked;
  key_ = key;
  offset_ = 0;
  remaining_ = len;
  if (len == 0) {
    result r;
    r.what = kind::data;
    r.consumed = header;
    r.payload = input.subspan(header, 0);
    r.message_type = message_type_;
    r.message_done = fin;
    if (fin) in_message_ = false;
    return r;
  }
  in_payload_ = true;
  // Hand out the first piece of payload together with the header when it is already here.
  auto rest = input.subspan(header);
  if (rest.empty()) {
    result r;
    r.consumed = header;
    return r;
  }
  auto r = next(rest);
  r.consumed += header;
  return r;
}

}  // namespace azbridge::protocol::ws
