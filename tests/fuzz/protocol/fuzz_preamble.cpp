// Preamble parser: random chunking must give the same result as one whole feed; replies too.
#include "azbridge/protocol/preamble.hpp"

#include "fuzz_check.hpp"

#include <algorithm>
#include <cstdint>

using namespace azbridge::protocol::preamble;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte seeds the chunk sizes; the rest is the stream.
  std::uint32_t seed = data[0] | 1u;
  const std::span<const std::uint8_t> stream(data + 1, size - 1);

  request_parser whole;
  const auto w = whole.feed(stream);
  AZB_FUZZ_CHECK(w.consumed <= stream.size());
  AZB_FUZZ_CHECK(w.consumed <= header_size + max_port_name_bytes);

  request_parser chunked;
  std::size_t pos = 0, consumed = 0;
  request_parser::result last{parse_status::need_more, 0};
  while (pos < stream.size()) {
    seed = seed * 1103515245u + 12345u;
    const std::size_t n = std::min<std::size_t>(stream.size() - pos, (seed >> 16) % 7);  // 0..6, empty feeds too
    last = chunked.feed(stream.subspan(pos, n));
    AZB_FUZZ_CHECK(last.consumed <= n);
    consumed += last.consumed;
    if (last.consumed < n) AZB_FUZZ_CHECK(last.status != parse_status::need_more);
    pos += n;  // an empty feed (n == 0) must change nothing; the loop just goes on
    if (last.status != parse_status::need_more) break;
  }
  AZB_FUZZ_CHECK(chunked.status() == whole.status());
  AZB_FUZZ_CHECK(consumed == w.consumed && chunked.bytes_consumed() == whole.bytes_consumed());
  if (whole.status() == parse_status::complete) {
    AZB_FUZZ_CHECK(chunked.mode() == whole.mode() && chunked.port_name() == whole.port_name());
    auto again = encode_request(whole.mode(), whole.port_name());
    AZB_FUZZ_CHECK(again.has_value() && again->size() == w.consumed);
    AZB_FUZZ_CHECK(std::equal(again->begin(), again->end(), stream.begin(),
                              [](char a, std::uint8_t b) { return static_cast<std::uint8_t>(a) == b; }));
  }

  reply_reader reader;
  const auto r = reader.feed(stream);
  AZB_FUZZ_CHECK(r.consumed == std::min<std::size_t>(stream.size(), reply_size));
  if (r.complete) {
    const auto d = decode_reply(reader.bytes());
    AZB_FUZZ_CHECK(reply_accepts(reader.bytes(), mode::stream) == (d.accepted_mode == mode::stream));
    AZB_FUZZ_CHECK(reply_accepts(reader.bytes(), mode::datagram) == (d.accepted_mode == mode::datagram));
    if (d.code != reply_code::unrecognized) {
      const auto bytes = encode_reply(d.code, d.accepted_mode.value_or(mode::stream));
      AZB_FUZZ_CHECK(std::equal(bytes.begin(), bytes.end(), reader.bytes().begin()));
    }
  }
  return 0;
}
