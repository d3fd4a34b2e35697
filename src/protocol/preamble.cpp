// azbridge's data-plane preamble: sender header, incremental listener parser, reply codes.
#include "azbridge/protocol/preamble.hpp"

#include <algorithm>

namespace azbridge::protocol::preamble {
namespace {
constexpr std::uint8_t major = 1;
constexpr std::uint8_t minor = 0;
}  // namespace

expected<std::array<std::uint8_t, header_size>> encode_header(mode m, std::string_view port_name) {
  if (port_name.size() > max_port_name_bytes)
    return failure{"the port name '" + std::string(port_name.substr(0, 40)) + "...' is longer than 255 bytes"};
  return std::array<std::uint8_t, header_size>{major, minor, static_cast<std::uint8_t>(m),
                                               static_cast<std::uint8_t>(port_name.size())};
}

expected<std::string> encode_request(mode m, std::string_view port_name) {
  auto header = encode_header(m, port_name);
  if (!header) return failure{header.error()};
  std::string out(header->begin(), header->end());
  out.append(port_name);
  return out;
}

request_parser::result request_parser::feed(std::span<const std::uint8_t> bytes) noexcept {
  std::size_t used = 0;
  while (status_ == parse_status::need_more && used < bytes.size()) {
    if (head_len_ < head_.size()) {  // version and mode, checked once all three are in
      head_[head_len_++] = bytes[used++];
      if (head_len_ == head_.size()) {
        if (head_[0] != major || head_[1] != minor || head_[2] > 1) status_ = parse_status::unsupported_version;
        mode_ = static_cast<preamble::mode>(head_[2] & 1);
      }
    } else if (!have_len_) {  // the name's length
      name_len_ = bytes[used++];
      have_len_ = true;
      name_.reserve(name_len_);
      if (name_len_ == 0) status_ = parse_status::complete;
    } else {  // the name
      const std::size_t take = std::min(name_len_ - name_.size(), bytes.size() - used);
      name_.append(reinterpret_cast<const char*>(bytes.data() + used), take);
      used += take;
      if (name_.size() == name_len_) status_ = parse_status::complete;
    }
  }
  total_ += used;
  return {status_, used};
}

std::array<std::uint8_t, reply_size> encode_reply(reply_code code, mode m) noexcept {
  switch (code) {
    case reply_code::accepted: return {major, minor, static_cast<std::uint8_t>(m)};
    case reply_code::datagram_only: return {0, 0, 0x01};
    case reply_code::stream_only: return {0, 0, 0xFF};
    case reply_code::version_not_understood:
    case reply_code::unrecognized: break;
  }
  return {0, 0, 0};
}

decoded_reply decode_reply(std::span<const std::uint8_t, reply_size> b) noexcept {
  if (b[0] == major && b[1] == minor && b[2] <= 1) return {reply_code::accepted, static_cast<mode>(b[2])};
  if (b[0] == 0 && b[1] == 0) {
    if (b[2] == 0x00) return {reply_code::version_not_understood, std::nullopt};
    if (b[2] == 0x01) return {reply_code::datagram_only, std::nullopt};
    if (b[2] == 0xFF) return {reply_code::stream_only, std::nullopt};
  }
  return {reply_code::unrecognized, std::nullopt};
}

bool reply_accepts(std::span<const std::uint8_t, reply_size> b, mode requested) noexcept {
  return b[0] == major && b[1] == minor && b[2] == static_cast<std::uint8_t>(requested);
}

reply_reader::result reply_reader::feed(std::span<const std::uint8_t> bytes) noexcept {
  std::size_t used = 0;
  while (len_ < reply_size && used < bytes.size()) buf_[len_++] = bytes[used++];
  return {complete(), used};
}

}  // namespace azbridge::protocol::preamble
