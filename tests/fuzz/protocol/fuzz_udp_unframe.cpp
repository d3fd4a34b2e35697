// UDP unframing: any message either fails cleanly or yields a payload that re-frames to the same bytes.
#include "azbridge/protocol/udp_framing.hpp"

#include "fuzz_check.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

using namespace azbridge::protocol::udp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> message(data, size);
  std::error_code ec;
  const auto payload = decode_frame(message, ec);
  if (ec) {
    AZB_FUZZ_CHECK(payload.empty());
    AZB_FUZZ_CHECK(ec == frame_error::message_too_short || ec == frame_error::length_mismatch);
    return 0;
  }
  AZB_FUZZ_CHECK(payload.size() + length_prefix_size == size);
  static std::array<std::uint8_t, max_frame> out;
  const std::size_t n = encode_frame(payload, out, ec);
  AZB_FUZZ_CHECK(!ec && n == size);
  AZB_FUZZ_CHECK(std::equal(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n), message.begin()));
  return 0;
}
