// UDP framing: [len_hi, len_lo, payload] per WebSocket message, golden bytes and every failure.
#include "azbridge/protocol/udp_framing.hpp"

#include <catch2/catch.hpp>

#include <numeric>
#include <vector>

using namespace azbridge::protocol::udp;

TEST_CASE("udp framing: golden frame bytes", "[udp_framing]") {
  const std::vector<std::uint8_t> payload{'h', 'i', '!'};
  std::array<std::uint8_t, 8> out{};
  std::error_code ec;
  const std::size_t n = encode_frame(payload, out, ec);
  REQUIRE_FALSE(ec);
  REQUIRE(n == 5);
  CHECK(std::vector<std::uint8_t>(out.begin(), out.begin() + 5) == std::vector<std::uint8_t>{0x00, 0x03, 'h', 'i', '!'});

  CHECK(encode_prefix(0x1234, ec) == std::array<std::uint8_t, 2>{0x12, 0x34});
  CHECK_FALSE(ec);
  CHECK(encode_prefix(65535, ec) == std::array<std::uint8_t, 2>{0xFF, 0xFF});
  CHECK_FALSE(ec);
  CHECK(encode_prefix(0, ec) == std::array<std::uint8_t, 2>{0x00, 0x00});
}

TEST_CASE("udp framing: the largest datagram and one byte more", "[udp_framing]") {
  std::vector<std::uint8_t> payload(max_payload);
  std::iota(payload.begin(), payload.end(), std::uint8_t{0});
  std::vector<std::uint8_t> out(max_frame);
  std::error_code ec;
  REQUIRE(encode_frame(payload, out, ec) == max_frame);
  REQUIRE_FALSE(ec);
  CHECK(out[0] == 0xFF);
  CHECK(out[1] == 0xFF);
  const auto back = decode_frame(out, ec);
  REQUIRE_FALSE(ec);
  CHECK(std::equal(back.begin(), back.end(), payload.begin(), payload.end()));

  payload.push_back(0);
  out.resize(max_frame + 1);
  CHECK(encode_frame(payload, out, ec) == 0);
  CHECK(ec == frame_error::payload_too_large);
  encode_prefix(max_payload + 1, ec);
  CHECK(ec == frame_error::payload_too_large);
}

TEST_CASE("udp framing: output buffer too small", "[udp_framing]") {
  const std::vector<std::uint8_t> payload(10, 7);
  std::vector<std::uint8_t> out(11);
  std::error_code ec;
  CHECK(encode_frame(payload, out, ec) == 0);
  CHECK(ec == frame_error::buffer_too_small);
  CHECK(ec.message().find("too small") != std::string::npos);
}

TEST_CASE("udp framing: a payload received in place needs no copy", "[udp_framing]") {
  std::vector<std::uint8_t> buf{0xAA, 0xAA, 'a', 'b', 'c', 'd'};
  std::error_code ec;
  const auto n = encode_frame(std::span<const std::uint8_t>(buf.data() + 2, 4), buf, ec);
  REQUIRE_FALSE(ec);
  CHECK(n == 6);
  CHECK(buf == std::vector<std::uint8_t>{0x00, 0x04, 'a', 'b', 'c', 'd'});
}

TEST_CASE("udp framing: decoding whole messages", "[udp_framing]") {
  std::error_code ec;
  const std::vector<std::uint8_t> empty_datagram{0x00, 0x00};
  CHECK(decode_frame(empty_datagram, ec).empty());
  CHECK_FALSE(ec);

  const std::vector<std::uint8_t> msg{0x00, 0x02, 'o', 'k'};
  const auto p = decode_frame(msg, ec);
  REQUIRE_FALSE(ec);
  CHECK(std::string(p.begin(), p.end()) == "ok");
}

TEST_CASE("udp framing: malformed messages are reported, never read past", "[udp_framing]") {
  std::error_code ec;
  for (const auto& m : {std::vector<std::uint8_t>{}, std::vector<std::uint8_t>{0x00}}) {
    CHECK(decode_frame(m, ec).empty());
    CHECK(ec == frame_error::message_too_short);
  }
  // A split frame (prefix says more than arrived) and a coalesced one (two frames in one message).
  for (const auto& m : {std::vector<std::uint8_t>{0x00, 0x05, 'a', 'b'},
                        std::vector<std::uint8_t>{0x00, 0x01, 'a', 0x00, 0x01, 'b'},
                        std::vector<std::uint8_t>{0xFF, 0xFF}}) {
    CHECK(decode_frame(m, ec).empty());
    CHECK(ec == frame_error::length_mismatch);
  }
  CHECK(std::string(ec.category().name()) == "azbridge.udp_framing");
}
