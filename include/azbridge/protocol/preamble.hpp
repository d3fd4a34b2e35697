// azbridge's data-plane preamble, the first bytes inside every relayed WebSocket (azbridge-compat.md §4.2):
//   sender -> listener:  01 00 MODE LEN, then LEN bytes of UTF-8 port name   (MODE 00 stream, 01 datagram)
//   listener -> sender:  01 00 MODE (accepted) | 00 00 00 (version not understood)
//                        | 00 00 01 (datagram forwarder, stream asked) | 00 00 FF (stream forwarder, datagram asked)
// An unknown port name gets no reply at all: the listener just closes.
// The C# peers ignore WebSocket message boundaries here, so every reader below takes bytes in any chunking.
#pragma once

#include "azbridge/util/expected.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace azbridge::protocol::preamble {

enum class mode : std::uint8_t { stream = 0, datagram = 1 };

inline constexpr std::size_t header_size = 4;          // 01 00 MODE LEN
inline constexpr std::size_t reply_size = 3;
inline constexpr std::size_t max_port_name_bytes = 255;  // LEN is one byte

// ---- sender side -------------------------------------------------------------------------------------------

/// The 4-byte header for `port_name` (UTF-8). Failure when the name is longer than 255 bytes: C# would
/// silently wrap LEN and send a corrupt preamble; we refuse. An empty name is encoded (LEN 0).
expected<std::array<std::uint8_t, header_size>> encode_header(mode m, std::string_view port_name);

/// Header and name in one buffer (the C# sender writes them as two messages; the C# listener accepts either).
expected<std::string> encode_request(mode m, std::string_view port_name);

// ---- listener side -----------------------------------------------------------------------------------------

enum class parse_status {
  need_more,            // feed more bytes
  complete,             // mode() and port_name() are set
  unsupported_version,  // the first 3 bytes were not 01 00 {00|01}: reply version_not_understood and close
};

/// Incremental reader matching RemoteForwardBridge.HandleRelayConnectionAsync: 3 bytes checked
/// ([0]==1, [1]==0, [2] in {0,1}), then 1 length byte, then the name. Bytes after the preamble are not consumed.
/// After complete or unsupported_version, further feed() calls consume nothing and repeat that status.
class request_parser {
 public:
  struct result {
    parse_status status;
    std::size_t consumed;  // bytes of this chunk that belong to the preamble
  };

  result feed(std::span<const std::uint8_t> bytes) noexcept;
  result feed(std::string_view bytes) noexcept {
    return feed(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
  }

  parse_status status() const noexcept { return status_; }
  /// Valid once complete.
  preamble::mode mode() const noexcept { return mode_; }
  /// The name bytes as received (the C# listener decodes them as UTF-8 and looks them up case-sensitively;
  /// comparing bytes is the same for valid UTF-8). Valid once complete.
  const std::string& port_name() const noexcept { return name_; }
  /// Total preamble bytes consumed so far over all feed() calls.
  std::size_t bytes_consumed() const noexcept { return total_; }

 private:
  parse_status status_ = parse_status::need_more;
  std::array<std::uint8_t, 3> head_{};
  std::size_t head_len_ = 0;
  bool have_len_ = false;
  std::size_t name_len_ = 0;
  preamble::mode mode_ = preamble::mode::stream;
  std::string name_;
  std::size_t total_ = 0;
};

// ---- replies -----------------------------------------------------------------------------------------------

enum class reply_code {
  accepted,                // 01 00 MODE
  version_not_understood,  // 00 00 00
  datagram_only,           // 00 00 01: the port is a datagram (UDP) forwarder, a stream was asked for
  stream_only,             // 00 00 FF: the port is a stream forwarder, a datagram was asked for
  unrecognized,            // anything else (only from decode_reply)
};

/// The listener's 3 reply bytes. `m` is echoed only for accepted; other codes ignore it.
std::array<std::uint8_t, reply_size> encode_reply(reply_code code, mode m = mode::stream) noexcept;

struct decoded_reply {
  reply_code code;
  std::optional<mode> accepted_mode;  // set for accepted
};
decoded_reply decode_reply(std::span<const std::uint8_t, reply_size> bytes) noexcept;

/// The C# senders' check: success only for exactly 01 00 00 after a stream request and 01 00 01 after a
/// datagram request; everything else (including other accepted modes) means close the connection.
bool reply_accepts(std::span<const std::uint8_t, reply_size> bytes, mode requested) noexcept;

/// Sender side: collects exactly 3 reply bytes from any chunking; bytes after them are not consumed
/// (they are the start of the data stream).
class reply_reader {
 public:
  struct result {
    bool complete;
    std::size_t consumed;
  };
  result feed(std::span<const std::uint8_t> bytes) noexcept;
  bool complete() const noexcept { return len_ == reply_size; }
  /// Valid once complete.
  std::span<const std::uint8_t, reply_size> bytes() const noexcept { return std::span<const std::uint8_t, reply_size>(buf_); }

 private:
  std::array<std::uint8_t, reply_size> buf_{};
  std::size_t len_ = 0;
};

}  // namespace azbridge::protocol::preamble
