// WebSocket frame codec: the examples of RFC 6455 §5.7 as golden bytes, plus the rules of §5.2-5.5.
#include "azbridge/protocol/ws_frame.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace azbridge::protocol::ws;
using bytes = std::vector<std::uint8_t>;

namespace {

std::string text_of(std::span<const std::uint8_t> s) { return {reinterpret_cast<const char*>(s.data()), s.size()}; }

// Decodes all of `in` in one go (as pieces), collecting data and the last event.
struct collected {
  std::string data;
  std::vector<frame_decoder::kind> events;
  std::uint16_t close_code = 0;
  std::string close_reason;
  std::uint16_t error_code = 0;
  std::size_t consumed = 0;
};

collected decode_all(frame_decoder& d, bytes in) {
  collected c;
  std::size_t pos = 0;
  for (;;) {
    auto r = d.next({in.data() + pos, in.size() - pos});
    pos += r.consumed;
    c.events.push_back(r.what);
    if (r.what == frame_decoder::kind::data) c.data += text_of(r.payload);
    if (r.what == frame_decoder::kind::ping || r.what == frame_decoder::kind::pong) c.data += text_of(r.payload);
    if (r.what == frame_decoder::kind::close) {
      c.close_code = r.close_code;
      c.close_reason = std::string(r.close_reason);
    }
    if (r.what == frame_decoder::kind::error) {
      c.error_code = r.error_code;
      break;
    }
    if (r.what == frame_decoder::kind::need_more && r.consumed == 0) break;
  }
  c.consumed = pos;
  return c;
}

}  // namespace

TEST_CASE("RFC 6455 5.7: a single-frame unmasked text message", "[ws_frame]") {
  frame_decoder d(role::client);
  auto c = decode_all(d, {0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f});
  CHECK(c.data == "Hello");
  CHECK(c.events.front() == frame_decoder::kind::data);
  CHECK(c.consumed == 7);
}

TEST_CASE("RFC 6455 5.7: a single-frame masked text message", "[ws_frame]") {
  frame_decoder d(role::server);
  auto c = decode_all(d, {0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58});
  CHECK(c.data == "Hello");
}

TEST_CASE("RFC 6455 5.7: a fragmented unmasked text message", "[ws_frame]") {
  frame_decoder d(role::client);
  bytes in{0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f};
  auto r1 = d.next(in);
  REQUIRE(r1.what == frame_decoder::kind::data);
  CHECK(text_of(r1.payload) == "Hel");
  CHECK_FALSE(r1.message_done);
  CHECK(r1.message_type == opcode::text);
  CHECK(d.in_message());
  auto r2 = d.next({in.data() + r1.consumed, in.size() - r1.consumed});
  REQUIRE(r2.what == frame_decoder::kind::data);
  CHECK(text_of(r2.payload) == "lo");
  CHECK(r2.message_done);
  CHECK(r2.message_type == opcode::text);
  CHECK_FALSE(d.in_message());
}

TEST_CASE("RFC 6455 5.7: unmasked Ping and masked Pong", "[ws_frame]") {
  frame_decoder client(role::client);
  bytes ping{0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f};
  auto r = client.next(ping);
  CHECK(r.what == frame_decoder::kind::ping);
  CHECK(text_of(r.payload) == "Hello");
  frame_decoder server(role::server);
  bytes pong{0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58};
  auto p = server.next(pong);
  CHECK(p.what == frame_decoder::kind::pong);
  CHECK(text_of(p.payload) == "Hello");
}

TEST_CASE("RFC 6455 5.7: 256 bytes and 64 KiB binary messages in one unmasked frame", "[ws_frame]") {
  std::array<std::uint8_t, max_header_size> h{};
  CHECK(encode_header(h, opcode::binary, true, 256, nullptr) == 4);
  CHECK(bytes(h.begin(), h.begin() + 4) == bytes{0x82, 0x7E, 0x01, 0x00});
  CHECK(encode_header(h, opcode::binary, true, 65536, nullptr) == 10);
  CHECK(bytes(h.begin(), h.begin() + 10) == bytes{0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0});

  bytes frame{0x82, 0x7E, 0x01, 0x00};
  for (int i = 0; i < 256; ++i) frame.push_back(static_cast<std::uint8_t>(i));
  frame_decoder d(role::client);
  auto c = decode_all(d, frame);
  REQUIRE(c.data.size() == 256);
  CHECK(static_cast<std::uint8_t>(c.data[255]) == 255);
}

TEST_CASE("encode_header with a mask key matches the RFC's masked example", "[ws_frame]") {
  std::array<std::uint8_t, max_header_size> h{};
  mask_key key{0x37, 0xfa, 0x21, 0x3d};
  auto n = encode_header(h, opcode::text, true, 5, &key);
  REQUIRE(n == 6);
  bytes payload{'H', 'e', 'l', 'l', 'o'};
  apply_mask(payload, key);
  bytes frame(h.begin(), h.begin() + n);
  frame.insert(frame.end(), payload.begin(), payload.end());
  CHECK(frame == bytes{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58});
}

TEST_CASE("apply_mask works from any payload offset and length", "[ws_frame]") {
  mask_key key{1, 2, 3, 4};
  bytes data(37);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 7);
  bytes whole = data;
  apply_mask(whole, key, 0);
  for (std::size_t split = 0; split <= data.size(); ++split) {
    bytes pieces = data;
    apply_mask({pieces.data(), split}, key, 0);
    apply_mask({pieces.data() + split, pieces.size() - split}, key, split);
    CHECK(pieces == whole);
  }
}

TEST_CASE("payload arrives in pieces as bytes trickle in", "[ws_frame]") {
  mask_key key{9, 8, 7, 6};
  std::array<std::uint8_t, max_header_size> h{};
  std::string text(1000, 'x');
  for (std::size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>('a' + i % 26);
  auto n = encode_header(h, opcode::binary, true, text.size(), &key);
  bytes frame(h.begin(), h.begin() + n);
  bytes payload(text.begin(), text.end());
  apply_mask(payload, key);
  frame.insert(frame.end(), payload.begin(), payload.end());

  // Feed one byte at a time, keeping unconsumed bytes as the caller must.
  frame_decoder d(role::server);
  bytes window;
  std::string out;
  bool done = false;
  for (auto b : frame) {
    window.push_back(b);
    for (;;) {
      auto r = d.next(window);
      window.erase(window.begin(), window.begin() + static_cast<std::ptrdiff_t>(r.consumed));
      if (r.what == frame_decoder::kind::data) {
        out += text_of(r.payload);
        done = done || r.message_done;
        continue;
      }
      REQUIRE(r.what == frame_decoder::kind::need_more);
      break;
    }
  }
  CHECK(out == text);
  CHECK(done);
}

TEST_CASE("control frames may come between fragments", "[ws_frame]") {
  frame_decoder d(role::client);
  bytes in{0x02, 0x01, 'a', 0x89, 0x00, 0x80, 0x01, 'b'};
  auto c = decode_all(d, in);
  CHECK(c.data == "ab");
  CHECK(c.events[1] == frame_decoder::kind::ping);
}

TEST_CASE("close frames: code and reason, no code, and bad payloads", "[ws_frame]") {
  {
    frame_decoder d(role::client);
    auto payload = encode_close_payload(close_code::normal, "Shutdown");
    bytes in{0x88, static_cast<std::uint8_t>(payload.size())};
    in.insert(in.end(), payload.begin(), payload.end());
    auto c = decode_all(d, in);
    CHECK(c.events.front() == frame_decoder::kind::close);
    CHECK(c.close_code == 1000);
    CHECK(c.close_reason == "Shutdown");
    CHECK(bytes(payload.begin(), payload.begin() + 2) == bytes{0x03, 0xE8});
  }
  {
    frame_decoder d(role::client);
    auto c = decode_all(d, {0x88, 0x00});
    CHECK(c.events.front() == frame_decoder::kind::close);
    CHECK(c.close_code == close_code::no_status);
    CHECK(encode_close_payload(close_code::no_status, "ignored").empty());
  }
  {
    frame_decoder d(role::client);
    CHECK(decode_all(d, {0x88, 0x01, 0x03}).error_code == close_code::protocol_error);
  }
  {
    frame_decoder d(role::client);  // 1005 must never be on the wire
    CHECK(decode_all(d, {0x88, 0x02, 0x03, 0xED}).error_code == close_code::protocol_error);
  }
  // A long reason is cut to fit a control frame without splitting a UTF-8 sequence.
  std::string reason;
  for (int i = 0; i < 100; ++i) reason += "\xC3\xA9";  // 200 bytes of 'é'
  auto p = encode_close_payload(1000, reason);
  CHECK(p.size() <= max_control_payload);
  CHECK((p.size() - 2) % 2 == 0);
}

TEST_CASE("protocol violations are reported with close code 1002", "[ws_frame]") {
  struct bad {
    const char* what;
    role r;
    bytes in;
  };
  std::vector<bad> cases{
      {"reserved bit", role::client, {0xC1, 0x00}},
      {"unknown opcode", role::client, {0x83, 0x00}},
      {"masked frame to a client", role::client, {0x81, 0x80, 1, 2, 3, 4}},
      {"unmasked frame to a server", role::server, {0x81, 0x00}},
      {"fragmented ping", role::client, {0x09, 0x00}},
      {"long ping", role::client, {0x89, 0x7E, 0x00, 0x7E}},
      {"continuation first", role::client, {0x80, 0x00}},
      {"new message inside a message", role::client, {0x01, 0x01, 'a', 0x81, 0x01, 'b'}},
      {"16-bit length not minimal", role::client, {0x82, 0x7E, 0x00, 0x05}},
      {"64-bit length not minimal", role::client, {0x82, 0x7F, 0, 0, 0, 0, 0, 0, 0x01, 0x00}},
      {"64-bit length with the top bit", role::client, {0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0}},
  };
  for (auto& c : cases) {
    INFO(c.what);
    frame_decoder d(c.r);
    auto got = decode_all(d, c.in);
    CHECK(got.events.back() == frame_decoder::kind::error);
    CHECK(got.error_code == close_code::protocol_error);
    // After an error the decoder stays failed.
    bytes more{0x81, 0x00};
    CHECK(d.next(more).what == frame_decoder::kind::error);
  }
}

TEST_CASE("an empty final frame ends a message", "[ws_frame]") {
  frame_decoder d(role::client);
  bytes in{0x02, 0x01, 'z', 0x80, 0x00};
  auto r1 = d.next(in);
  CHECK_FALSE(r1.message_done);
  auto r2 = d.next({in.data() + r1.consumed, in.size() - r1.consumed});
  CHECK(r2.what == frame_decoder::kind::data);
  CHECK(r2.payload.empty());
  CHECK(r2.message_done);
}
