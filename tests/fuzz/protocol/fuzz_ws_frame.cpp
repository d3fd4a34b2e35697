// WebSocket frame decoding (the data phase of every relayed byte): whatever the bytes, the decoder stays
// inside its input, keeps fewer than 140 bytes waiting, and sees the same messages, control frames and
// errors however the bytes are split into receives. The first input byte picks the role and the split.
#include "azbridge/protocol/ws_frame.hpp"

#include "fuzz_check.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

using namespace azbridge::protocol::ws;

namespace {

// What the decoder saw: data merged per message, one entry per control frame, message end or error.
using transcript = std::vector<std::pair<char, std::string>>;

transcript decode(const std::uint8_t* data, std::size_t size, role self, std::size_t chunk) {
  transcript seen;
  frame_decoder decoder(self);
  std::vector<std::uint8_t> pending;  // received and not yet consumed
  std::size_t fed = 0;
  bool merging = false;  // the last entry is data of an unfinished message
  for (;;) {
    if (fed < size) {
      const std::size_t n = std::min(chunk, size - fed);
      pending.insert(pending.end(), data + fed, data + fed + n);
      fed += n;
    }
    for (;;) {
      auto r = decoder.next(pending);
      AZB_FUZZ_CHECK(r.consumed <= pending.size());
      if (!r.payload.empty()) {
        AZB_FUZZ_CHECK(r.payload.data() >= pending.data() &&
                       r.payload.data() + r.payload.size() <= pending.data() + pending.size());
      }
      const std::string payload(r.payload.begin(), r.payload.end());
      switch (r.what) {
        case frame_decoder::kind::need_more:
          AZB_FUZZ_CHECK(r.payload.empty());
          break;
        case frame_decoder::kind::data:
          if (merging) {
            seen.back().second += payload;
          } else {
            seen.emplace_back(r.message_type == opcode::text ? 'T' : 'B', payload);
          }
          merging = !r.message_done;
          if (r.message_done) seen.emplace_back('E', "");
          break;
        case frame_decoder::kind::ping:
        case frame_decoder::kind::pong:
          AZB_FUZZ_CHECK(r.payload.size() <= max_control_payload);
          seen.emplace_back(r.what == frame_decoder::kind::ping ? 'P' : 'O', payload);
          merging = false;
          break;
        case frame_decoder::kind::close:
          seen.emplace_back('C', std::to_string(r.close_code) + ":" + std::string(r.close_reason));
          merging = false;
          break;
        case frame_decoder::kind::error:
          AZB_FUZZ_CHECK(r.error_code >= 1002 && !r.error_text.empty());
          seen.emplace_back('X', std::string(r.error_text));
          return seen;  // the connection ends here
      }
      pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(r.consumed));
      if (r.what == frame_decoder::kind::need_more) break;
    }
    // What waits for more bytes is never more than a partial header or a partial control frame.
    AZB_FUZZ_CHECK(pending.size() < max_header_size + max_control_payload);
    if (fed == size) return seen;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const role self = (data[0] & 1) != 0 ? role::client : role::server;
  const std::size_t chunk = (data[0] >> 1) + 1;  // 1..128 bytes per receive
  const auto whole = decode(data + 1, size - 1, self, size);
  const auto split = decode(data + 1, size - 1, self, chunk);
  AZB_FUZZ_CHECK(whole == split);
  return 0;
}
