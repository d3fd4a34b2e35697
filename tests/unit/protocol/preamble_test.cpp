// azbridge data-plane preamble: golden bytes from azbridge-compat.md §4.2, chunking, replies.
#include "azbridge/protocol/preamble.hpp"

#include <catch2/catch.hpp>

#include <vector>

using namespace azbridge::protocol::preamble;

namespace {
std::vector<std::uint8_t> bytes(std::initializer_list<int> list) {
  std::vector<std::uint8_t> out;
  for (int b : list) out.push_back(static_cast<std::uint8_t>(b));
  return out;
}
std::vector<std::uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }
std::vector<std::uint8_t> operator+(std::vector<std::uint8_t> a, const std::vector<std::uint8_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}
}  // namespace

TEST_CASE("preamble: golden sender bytes", "[preamble]") {
  // -L 16161:db  ->  01 00 00 05 "16161"
  const auto tcp = encode_header(mode::stream, "16161");
  REQUIRE(tcp.has_value());
  CHECK(std::vector<std::uint8_t>(tcp->begin(), tcp->end()) == bytes({0x01, 0x00, 0x00, 0x05}));
  CHECK(*encode_request(mode::stream, "16161") == std::string("\x01\x00\x00\x05" "16161", 9));
  // -L 3434U:r   ->  01 00 01 05 "3434U"
  CHECK(*encode_request(mode::datagram, "3434U") == std::string("\x01\x00\x01\x05" "3434U", 9));
  // Port names are UTF-8 bytes; LEN counts bytes.
  CHECK(*encode_request(mode::stream, "p\xC3\xB6rt") == std::string("\x01\x00\x00\x05p\xC3\xB6rt", 9));
  CHECK(*encode_request(mode::stream, "") == std::string("\x01\x00\x00\x00", 4));
}

TEST_CASE("preamble: names over 255 bytes are refused, not wrapped", "[preamble]") {
  CHECK(encode_request(mode::stream, std::string(255, 'a'))->size() == 4 + 255);
  CHECK_FALSE(encode_header(mode::stream, std::string(256, 'a')).has_value());
  CHECK_FALSE(encode_request(mode::datagram, std::string(300, 'a')).has_value());
}

TEST_CASE("preamble: the listener parses a whole preamble and leaves following data", "[preamble]") {
  request_parser p;
  const auto input = bytes({0x01, 0x00, 0x00, 0x05}) + bytes("16161") + bytes("GET /");
  const auto r = p.feed(input);
  CHECK(r.status == parse_status::complete);
  CHECK(r.consumed == 9);
  CHECK(p.mode() == mode::stream);
  CHECK(p.port_name() == "16161");
  CHECK(p.bytes_consumed() == 9);
  // Once complete, more input is not the preamble's.
  CHECK(p.feed(bytes("more")).consumed == 0);
  CHECK(p.status() == parse_status::complete);
}

TEST_CASE("preamble: any chunking gives the same result", "[preamble]") {
  const auto input = bytes({0x01, 0x00, 0x01, 0x05}) + bytes("3434U");
  for (std::size_t chunk = 1; chunk <= input.size(); ++chunk) {
    request_parser p;
    parse_status last = parse_status::need_more;
    std::size_t consumed = 0;
    for (std::size_t i = 0; i < input.size(); i += chunk) {
      const std::size_t n = std::min(chunk, input.size() - i);
      const auto r = p.feed(std::span<const std::uint8_t>(input.data() + i, n));
      consumed += r.consumed;
      last = r.status;
      if (i + n < input.size()) CHECK(r.status == parse_status::need_more);
    }
    INFO("chunk " << chunk);
    CHECK(last == parse_status::complete);
    CHECK(consumed == input.size());
    CHECK(p.mode() == mode::datagram);
    CHECK(p.port_name() == "3434U");
  }
  request_parser empty;
  CHECK(empty.feed(std::span<const std::uint8_t>{}).status == parse_status::need_more);
}

TEST_CASE("preamble: a zero-length name completes at the length byte", "[preamble]") {
  request_parser p;
  const auto r = p.feed(bytes({0x01, 0x00, 0x00, 0x00, 0x42}));
  CHECK(r.status == parse_status::complete);
  CHECK(r.consumed == 4);
  CHECK(p.port_name().empty());
}

TEST_CASE("preamble: wrong version or mode is detected after exactly 3 bytes", "[preamble]") {
  for (const auto& head : {bytes({0x02, 0x00, 0x00}), bytes({0x01, 0x01, 0x00}), bytes({0x01, 0x00, 0x02}),
                           bytes({0x00, 0x00, 0x00}), bytes("GET")}) {
    request_parser p;
    CHECK(p.feed(std::span<const std::uint8_t>(head.data(), 2)).status == parse_status::need_more);
    const auto r = p.feed(std::vector<std::uint8_t>(head.begin() + 2, head.end()) + bytes("rest"));
    CHECK(r.status == parse_status::unsupported_version);
    CHECK(r.consumed == 1);
    CHECK(p.feed(bytes("x")).status == parse_status::unsupported_version);
  }
}

TEST_CASE("preamble: reply bytes", "[preamble]") {
  const auto v = [](std::array<std::uint8_t, reply_size> a) { return std::vector<std::uint8_t>(a.begin(), a.end()); };
  CHECK(v(encode_reply(reply_code::accepted, mode::stream)) == bytes({0x01, 0x00, 0x00}));
  CHECK(v(encode_reply(reply_code::accepted, mode::datagram)) == bytes({0x01, 0x00, 0x01}));
  CHECK(v(encode_reply(reply_code::version_not_understood)) == bytes({0x00, 0x00, 0x00}));
  CHECK(v(encode_reply(reply_code::datagram_only)) == bytes({0x00, 0x00, 0x01}));
  CHECK(v(encode_reply(reply_code::stream_only)) == bytes({0x00, 0x00, 0xFF}));

  const auto decode = [](std::initializer_list<int> list) {
    const auto b = bytes(list);
    return decode_reply(std::span<const std::uint8_t, reply_size>(b.data(), reply_size));
  };
  CHECK(decode({1, 0, 0}).code == reply_code::accepted);
  CHECK(decode({1, 0, 0}).accepted_mode == mode::stream);
  CHECK(decode({1, 0, 1}).accepted_mode == mode::datagram);
  CHECK(decode({0, 0, 0}).code == reply_code::version_not_understood);
  CHECK(decode({0, 0, 1}).code == reply_code::datagram_only);
  CHECK(decode({0, 0, 0xFF}).code == reply_code::stream_only);
  CHECK(decode({1, 0, 2}).code == reply_code::unrecognized);
  CHECK(decode({0, 1, 0}).code == reply_code::unrecognized);
  CHECK_FALSE(decode({0, 0, 0}).accepted_mode.has_value());
}

TEST_CASE("preamble: which replies the sender accepts", "[preamble]") {
  const auto accepts = [](std::initializer_list<int> list, mode m) {
    const auto b = bytes(list);
    return reply_accepts(std::span<const std::uint8_t, reply_size>(b.data(), reply_size), m);
  };
  CHECK(accepts({1, 0, 0}, mode::stream));
  CHECK(accepts({1, 0, 1}, mode::datagram));
  CHECK_FALSE(accepts({1, 0, 1}, mode::stream));
  CHECK_FALSE(accepts({1, 0, 0}, mode::datagram));
  CHECK_FALSE(accepts({0, 0, 0}, mode::stream));
  CHECK_FALSE(accepts({0, 0, 1}, mode::stream));
  CHECK_FALSE(accepts({0, 0, 0xFF}, mode::datagram));
}

TEST_CASE("preamble: the reply reader takes exactly 3 bytes from any chunking", "[preamble]") {
  const auto input = bytes({0x01, 0x00, 0x00}) + bytes("data");
  reply_reader r;
  auto a = r.feed(std::span<const std::uint8_t>(input.data(), 1));
  CHECK_FALSE(a.complete);
  CHECK(a.consumed == 1);
  auto b = r.feed(std::span<const std::uint8_t>(input.data() + 1, input.size() - 1));
  CHECK(b.complete);
  CHECK(b.consumed == 2);
  CHECK(reply_accepts(r.bytes(), mode::stream));
  CHECK(r.feed(input).consumed == 0);
}
